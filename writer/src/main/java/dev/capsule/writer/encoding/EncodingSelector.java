package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Picks the encoding of each chunk: analyze → estimate every encoding that supports the values →
 * encode with the smallest.
 *
 * <p><b>Tie-break</b>: among equal estimates the encoding listed first wins. The list is the
 * built-in encodings in the order plain, bitpack, ree, dict (fastest to decode first: a copy, a
 * branch-free unpack, a loop per run, an unpack plus a gather), then the extra encodings in the
 * order given. So the result depends only on the values, and plain wins every tie.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class EncodingSelector {
  private final List<Encoding> encodings;

  private EncodingSelector(List<Encoding> encodings) {
    this.encodings = List.copyOf(encodings);
  }

  /** The built-in encodings only. */
  public static EncodingSelector builtIn() {
    return new EncodingSelector(Encodings.builtIn());
  }

  /**
   * This selector with more encodings after the existing ones (lowest tie-break priority), e.g. one
   * whose decoder module the project does not ship.
   *
   * @throws IllegalArgumentException if a name is already taken
   */
  public EncodingSelector withExtra(List<Encoding> extra) {
    List<Encoding> all = new ArrayList<>(encodings);
    for (Encoding encoding : extra) {
      Objects.requireNonNull(encoding, "encoding");
      if (find(all, encoding.name()) != null) {
        throw new IllegalArgumentException("an encoding named '" + encoding.name() + "' is already registered");
      }
      all.add(encoding);
    }
    return new EncodingSelector(all);
  }

  /** Every encoding this selector considers, in tie-break order. */
  public List<Encoding> encodings() {
    return encodings;
  }

  /**
   * The encoding called {@code name}.
   *
   * @throws IllegalArgumentException if there is none
   */
  public Encoding encoding(String name) {
    Encoding encoding = find(encodings, name);
    if (encoding == null) {
      throw new IllegalArgumentException("unknown encoding '" + name + "'; known: " + names());
    }
    return encoding;
  }

  /** Encodes the chunk with the encoding of the smallest estimate (ties: see the class comment). */
  public Selection select(ColumnValues values) {
    // Built-ins are always present, so the analysis may stop counting distinct values once
    // capsule.dict cannot beat them.
    ColumnAnalysis analysis = ColumnAnalysis.forSelection(values);
    Map<String, Long> estimates = estimate(analysis);
    Encoding best = null;
    long bestSize = Long.MAX_VALUE;
    for (Encoding encoding : encodings) {
      Long size = estimates.get(encoding.name());
      if (size != null && size < bestSize) { // strict: the earlier encoding keeps a tie
        best = encoding;
        bestSize = size;
      }
    }
    if (best == null) { // unreachable while capsule.plain is listed, kept for a clear message
      throw new IllegalStateException("no encoding supports " + analysis);
    }
    return new Selection(best, best.encode(values, analysis), estimates, analysis);
  }

  /**
   * Encodes the chunk with the encoding called {@code name}, bypassing selection (tests,
   * experiments). The analysis counts every distinct value, so capsule.dict works on any column.
   * Only the forced encoding is estimated: the others' estimates (a trial Parquet encode among
   * them) would cost time and decide nothing.
   *
   * @throws IllegalArgumentException if the encoding is unknown or does not support the values
   */
  public Selection force(String name, ColumnValues values) {
    Encoding encoding = encoding(name);
    ColumnAnalysis analysis = ColumnAnalysis.of(values);
    if (!encoding.supports(analysis)) {
      throw new IllegalArgumentException("encoding '" + name + "' does not support this column chunk (" + describe(analysis) + ")");
    }
    return new Selection(encoding, encoding.encode(values, analysis),
        Map.of(encoding.name(), encoding.estimateSize(analysis)), analysis);
  }

  private Map<String, Long> estimate(ColumnAnalysis analysis) {
    Map<String, Long> estimates = new LinkedHashMap<>();
    for (Encoding encoding : encodings) {
      if (encoding.supports(analysis)) {
        estimates.put(encoding.name(), encoding.estimateSize(analysis));
      }
    }
    return Collections.unmodifiableMap(estimates);
  }

  private static String describe(ColumnAnalysis a) {
    String s = "layout " + a.layout() + ", kind " + a.kind() + ", " + a.rowCount() + " rows";
    if (a.integerBitWidth() >= 0) {
      s += ", integer range of " + a.integerBitWidth() + " bits";
    }
    return s;
  }

  private List<String> names() {
    List<String> names = new ArrayList<>();
    for (Encoding encoding : encodings) {
      names.add(encoding.name());
    }
    return names;
  }

  private static Encoding find(List<Encoding> encodings, String name) {
    for (Encoding encoding : encodings) {
      if (encoding.name().equals(name)) {
        return encoding;
      }
    }
    return null;
  }

  /**
   * The outcome for one chunk.
   *
   * @param encoding the encoding chosen (or forced)
   * @param bytes the whole chunk it produced
   * @param estimates estimated chunk size of every encoding that supported the values, in
   *     tie-break order; capsule.dict is absent when the analysis saw it could not win. For a
   *     forced chunk, the forced encoding's alone
   * @param analysis what the estimates were computed from
   */
  public record Selection(Encoding encoding, byte[] bytes, Map<String, Long> estimates, ColumnAnalysis analysis) {}
}
