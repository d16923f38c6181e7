package dev.capsule.writer;

import dev.capsule.writer.encoding.Encoding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link CapsuleWriter} lays out a file. Build with {@link #builder()}; the defaults suit
 * files of any size.
 *
 * @param rowGroupRows rows per row group (the last one may be shorter)
 * @param maxRowGroupBytes a row group is also closed once its buffered values reach this size,
 *     checked every 4096 rows, so memory stays bounded however wide the values are
 * @param forcedEncodings column name → encoding name, to bypass selection (tests, experiments)
 * @param extraEncodings encodings offered besides the built-in ones, e.g. one whose decoder module
 *     the project does not ship
 * @param createdBy recorded in the footer
 * @param metadata key/value pairs recorded in the footer
 * @param encodeThreads threads that encode the columns of a row group in parallel (1: the calling
 *     thread only); the file's bytes do not depend on it
 */
public record WriterOptions(
    int rowGroupRows,
    long maxRowGroupBytes,
    Map<String, String> forcedEncodings,
    List<Encoding> extraEncodings,
    String createdBy,
    Map<String, String> metadata,
    int encodeThreads) {

  public static final int DEFAULT_ROW_GROUP_ROWS = 1 << 20;
  public static final long DEFAULT_MAX_ROW_GROUP_BYTES = 256L << 20;
  public static final String DEFAULT_CREATED_BY = "capsule-java 0.1.0";

  public WriterOptions {
    if (rowGroupRows <= 0) {
      throw new IllegalArgumentException("rowGroupRows must be positive: " + rowGroupRows);
    }
    if (maxRowGroupBytes <= 0) {
      throw new IllegalArgumentException("maxRowGroupBytes must be positive: " + maxRowGroupBytes);
    }
    if (encodeThreads <= 0) {
      throw new IllegalArgumentException("encodeThreads must be positive: " + encodeThreads);
    }
    forcedEncodings = Map.copyOf(forcedEncodings);
    extraEncodings = List.copyOf(extraEncodings);
    Objects.requireNonNull(createdBy, "createdBy");
    metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  public static WriterOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link WriterOptions}. */
  public static final class Builder {
    private int rowGroupRows = DEFAULT_ROW_GROUP_ROWS;
    private long maxRowGroupBytes = DEFAULT_MAX_ROW_GROUP_BYTES;
    private final Map<String, String> forcedEncodings = new LinkedHashMap<>();
    private List<Encoding> extraEncodings = List.of();
    private String createdBy = DEFAULT_CREATED_BY;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int encodeThreads = Runtime.getRuntime().availableProcessors();

    public Builder rowGroupRows(int rows) {
      this.rowGroupRows = rows;
      return this;
    }

    public Builder maxRowGroupBytes(long bytes) {
      this.maxRowGroupBytes = bytes;
      return this;
    }

    public Builder forceEncoding(String column, String encodingName) {
      forcedEncodings.put(column, encodingName);
      return this;
    }

    public Builder extraEncodings(List<Encoding> encodings) {
      this.extraEncodings = encodings;
      return this;
    }

    public Builder createdBy(String createdBy) {
      this.createdBy = createdBy;
      return this;
    }

    public Builder metadata(String key, String value) {
      metadata.put(key, value);
      return this;
    }

    /** Threads encoding the columns of a row group (default: one per processor). */
    public Builder encodeThreads(int threads) {
      this.encodeThreads = threads;
      return this;
    }

    public WriterOptions build() {
      return new WriterOptions(rowGroupRows, maxRowGroupBytes, forcedEncodings, extraEncodings, createdBy, metadata,
          encodeThreads);
    }
  }
}
