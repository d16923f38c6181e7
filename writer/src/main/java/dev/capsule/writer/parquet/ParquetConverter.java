package dev.capsule.writer.parquet;

import dev.capsule.format.proto.ColumnChunk;
import dev.capsule.format.proto.Footer;
import dev.capsule.format.proto.RowGroup;
import dev.capsule.writer.CapsuleWriter;
import dev.capsule.writer.WriterOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Parquet → Capsule. Streams: one Parquet row group and one batch of Arrow vectors in memory at a
 * time, Capsule row groups flushed as the writer's options say. The output appears only when the
 * conversion succeeded; a failure leaves nothing at the output path.
 *
 * <pre>{@code
 * ParquetConverter.Result result = ParquetConverter.convert(List.of(in), out, ParquetConverter.Options.defaults(),
 *     (rows, total) -> {});
 * }</pre>
 */
public final class ParquetConverter {
  private ParquetConverter() {}

  /**
   * How to convert.
   *
   * @param writer the Capsule writer's options (row group size, forced encodings, ...)
   * @param batchRows rows moved from Parquet to Capsule at a time, at most
   * @param batchBytes bytes of variable-width values (strings, binaries) moved at a time, at most,
   *     unless one row alone has more: large values end a batch early
   * @param int96 the timestamp unit INT96 values become
   * @param columns the columns to convert, in this order; null for all
   */
  public record Options(WriterOptions writer, int batchRows, long batchBytes, Int96Unit int96, List<String> columns) {
    public static final int DEFAULT_BATCH_ROWS = 1 << 16;
    public static final long DEFAULT_BATCH_BYTES = ParquetSource.DEFAULT_BATCH_BYTES;

    public Options {
      Objects.requireNonNull(writer, "writer");
      Objects.requireNonNull(int96, "int96");
      if (batchRows <= 0) {
        throw new IllegalArgumentException("batchRows must be positive: " + batchRows);
      }
      if (batchBytes <= 0) {
        throw new IllegalArgumentException("batchBytes must be positive: " + batchBytes);
      }
      columns = columns == null ? null : List.copyOf(columns);
    }

    public static Options defaults() {
      return new Options(WriterOptions.defaults(), DEFAULT_BATCH_ROWS, DEFAULT_BATCH_BYTES, Int96Unit.NANOSECOND, null);
    }

    public Options withWriter(WriterOptions options) {
      return new Options(options, batchRows, batchBytes, int96, columns);
    }

    public Options withBatchBytes(long bytes) {
      return new Options(writer, batchRows, bytes, int96, columns);
    }

    public Options withInt96(Int96Unit unit) {
      return new Options(writer, batchRows, batchBytes, unit, columns);
    }

    public Options withColumns(List<String> names) {
      return new Options(writer, batchRows, batchBytes, int96, names);
    }
  }

  /** Told after every batch how many rows of all inputs are done. */
  @FunctionalInterface
  public interface Progress {
    void rowsDone(long done, long total);
  }

  /**
   * What a conversion did.
   *
   * @param encodings per column (in schema order): encoding name → number of chunks that use it
   */
  public record Result(Path output, long rows, int columns, long bytesIn, long bytesOut,
      Map<String, Map<String, Integer>> encodings, Duration time) {}

  /**
   * Converts one or more Parquet files into one Capsule file, rows in the order given. All inputs
   * must map to the same Arrow fields; the key/value metadata of the first becomes the schema's.
   *
   * @throws ParquetInputException if an input cannot be read or converted, or the inputs' schemas differ
   */
  public static Result convert(List<Path> inputs, Path output, Options options, Progress progress) throws IOException {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("no Parquet file to convert");
    }
    long start = System.nanoTime();
    List<ParquetSource> sources = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator()) {
      try {
        long total = 0;
        for (Path input : inputs) {
          ParquetSource source = ParquetSource.open(input, options.columns(), options.int96());
          sources.add(source);
          requireSameFields(sources.get(0), source);
          total += source.rowCount();
        }
        Footer footer = write(sources, output, options, allocator, total, progress);
        long bytesIn = 0;
        for (Path input : inputs) {
          bytesIn += Files.size(input);
        }
        Schema schema = sources.get(0).schema();
        return new Result(output, footer.getRowCount(), schema.getFields().size(), bytesIn, Files.size(output),
            encodings(footer, schema), Duration.ofNanos(System.nanoTime() - start));
      } finally {
        for (ParquetSource source : sources) {
          source.close();
        }
      }
    }
  }

  private static Footer write(List<ParquetSource> sources, Path output, Options options, BufferAllocator allocator,
      long total, Progress progress) throws IOException {
    Schema schema = sources.get(0).schema();
    CapsuleWriter writer = CapsuleWriter.create(output, schema, options.writer());
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator)) {
      long done = 0;
      for (ParquetSource source : sources) {
        int rows;
        while ((rows = source.nextBatch(batch, options.batchRows(), options.batchBytes())) > 0) {
          writer.write(batch);
          done += rows;
          progress.rowsDone(done, total);
        }
      }
      writer.close();
      return writer.footer();
    } catch (IOException | RuntimeException | Error e) {
      writer.abort(); // nothing is left at the output path
      throw e;
    }
  }

  private static void requireSameFields(ParquetSource first, ParquetSource other) throws ParquetInputException {
    List<Field> expected = first.schema().getFields();
    List<Field> actual = other.schema().getFields();
    if (!expected.equals(actual)) {
      throw new ParquetInputException(other.path(), "its columns " + actual + " differ from those of "
          + first.path() + " " + expected + "; only files of the same schema can be merged");
    }
  }

  private static Map<String, Map<String, Integer>> encodings(Footer footer, Schema schema) {
    Map<String, Map<String, Integer>> byColumn = new LinkedHashMap<>();
    List<Field> fields = schema.getFields();
    for (int c = 0; c < fields.size(); c++) {
      Map<String, Integer> counts = new TreeMap<>();
      for (RowGroup group : footer.getRowGroupsList()) {
        ColumnChunk chunk = group.getColumns(c);
        counts.merge(chunk.getEncoding(), 1, Integer::sum);
      }
      byColumn.put(fields.get(c).getName(), counts);
    }
    return byColumn;
  }
}
