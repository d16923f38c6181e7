package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.decoders.ValueKind;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the encodings' size estimates need to know about one chunk, gathered in a few linear passes:
 * run count (capsule.ree), minimum and bit width of the integer range (capsule.bitpack), distinct
 * values and dictionary code width (capsule.dict). Null rows are ignored everywhere: encoders store
 * zero bits for them or fold them into a run.
 */
public final class ColumnAnalysis {
  private final PhysicalLayout layout;
  private final ValueKind kind;
  private final int rowCount;
  private final int nullCount;
  private final long plainDataBytes;
  private final int runCount;
  private final long runValueBytes;
  private final IntegerRange integerRange;
  private final Distinct distinct;
  /** The values analysed: encodings that learn their size only by encoding (capsule.parquet) need them. */
  private final ColumnValues values;
  /** Chunks such encodings produced while estimating, so that encode() need not redo them. */
  private final Map<Encoding, byte[]> encoded = new IdentityHashMap<>();

  private ColumnAnalysis(ColumnValues values, boolean boundDictionary) {
    this.layout = values.layout();
    this.kind = values.kind();
    this.values = values;
    this.rowCount = values.rowCount();
    this.nullCount = values.nullCount();
    this.plainDataBytes = layout == PhysicalLayout.VARIABLE ? validBytes(values) : 0;
    Runs runs = Runs.count(values);
    this.runCount = runs.count;
    this.runValueBytes = runs.valueBytes;
    int width = layout.byteWidth();
    boolean integer = kind.isInteger() && layout.isFixedWidth() && (width <= 8 || width == 16 || width == 32);
    this.integerRange = integer ? IntegerRange.of(values) : null;
    if (layout == PhysicalLayout.BIT) {
      this.distinct = null;
    } else {
      // Hashing is the costly pass: when selecting, stop once a dictionary cannot beat the
      // smallest of the other built-in encodings (it also loses ties to them).
      long limit = boundDictionary ? smallestOtherBuiltIn() : Long.MAX_VALUE;
      this.distinct = Distinct.count(values, limit);
    }
  }

  /** Everything every built-in encoding needs, the dictionary counted to the end. */
  public static ColumnAnalysis of(ColumnValues values) {
    return new ColumnAnalysis(values, false);
  }

  /**
   * Like {@link #of} but stops counting distinct values once capsule.dict cannot be the smallest
   * built-in encoding; {@link #dictionarySize()} is then -1.
   */
  static ColumnAnalysis forSelection(ColumnValues values) {
    return new ColumnAnalysis(values, true);
  }

  private long smallestOtherBuiltIn() {
    long best = Math.min(PlainEncoding.size(this), ReeEncoding.size(this));
    if (BitpackEncoding.applies(this)) {
      best = Math.min(best, BitpackEncoding.size(this));
    }
    return best;
  }

  private static long validBytes(ColumnValues values) {
    int[] offsets = values.offsets();
    if (values.nullCount() == 0) {
      return offsets[values.rowCount()];
    }
    long bytes = 0;
    for (int i = 0; i < values.rowCount(); i++) {
      if (values.isValid(i)) {
        bytes += offsets[i + 1] - offsets[i];
      }
    }
    return bytes;
  }

  public PhysicalLayout layout() {
    return layout;
  }

  public ValueKind kind() {
    return kind;
  }

  public int rowCount() {
    return rowCount;
  }

  public int nullCount() {
    return nullCount;
  }

  /** Whether chunks carry a validity bitmap: only when some row is null. */
  public boolean hasValidity() {
    return nullCount > 0;
  }

  /** Runs of equal values, null rows folded into the run around them (0 iff the chunk is empty). */
  public int runCount() {
    return runCount;
  }

  /**
   * Bits capsule.bitpack needs per delta from {@link #integerMinimum()} (0 to 64), or -1 when the
   * values are not 1- to 8-byte integers.
   */
  public int integerBitWidth() {
    return integerRange == null ? -1 : integerRange.bitWidth();
  }

  /**
   * The smallest valid value, sign- or zero-extended to 64 bits as the kind says (0 when no row is
   * valid, or the values are not integers).
   */
  public long integerMinimum() {
    return integerRange == null ? 0 : integerRange.minimum;
  }

  /**
   * Entries of capsule.dict's dictionary: the distinct valid values, at least 1 for a chunk with
   * rows (an all-null chunk stores one zero value). -1 for BIT, or when the analysis stopped counting
   * because a dictionary could not win.
   */
  public int dictionarySize() {
    if (distinct == null || !distinct.complete) {
      return -1;
    }
    return rowCount > 0 ? Math.max(1, distinct.count) : 0;
  }

  /** Bits per dictionary code, or -1 when {@link #dictionarySize()} is. */
  public int dictionaryCodeWidth() {
    int size = dictionarySize();
    return size < 0 ? -1 : DictEncoding.codeWidth(size);
  }

  /** The values this analysis describes. */
  ColumnValues values() {
    return values;
  }

  /**
   * The chunk {@code encoding} makes of these values, encoded once: for encodings whose size is
   * known only by encoding, so that estimating and encoding cost one pass.
   */
  byte[] encodedBy(Encoding encoding, Supplier<byte[]> encode) {
    return encoded.computeIfAbsent(encoding, e -> encode.get());
  }

  /** Fails unless this analysis can describe {@code values} (a cheap check against mix-ups). */
  void requireDescribes(ColumnValues values, String encoding) {
    if (values.layout() != layout || values.rowCount() != rowCount || values.nullCount() != nullCount) {
      throw new IllegalArgumentException(encoding + ": the analysis (" + this + ") is not of these values ("
          + values.layout() + ", " + values.rowCount() + " rows, " + values.nullCount() + " nulls)");
    }
  }

  /** VARIABLE: bytes of the valid values (null values are stored empty). */
  long plainDataBytes() {
    return plainDataBytes;
  }

  /** VARIABLE: bytes of the run values. */
  long runValueBytes() {
    return runValueBytes;
  }

  /** VARIABLE: bytes of the dictionary values; meaningful when {@link #dictionarySize()} >= 0. */
  long dictionaryValueBytes() {
    return distinct == null ? 0 : distinct.valueBytes;
  }

  @Override
  public String toString() {
    return "ColumnAnalysis{" + layout + " " + kind + ", rows=" + rowCount + ", nulls=" + nullCount
        + ", runs=" + runCount + ", integerBitWidth=" + integerBitWidth()
        + ", dictionarySize=" + dictionarySize() + "}";
  }
}
