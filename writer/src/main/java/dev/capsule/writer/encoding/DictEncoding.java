package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;

/**
 * capsule.dict: u32 dictionary size, the distinct values in order of first appearance, u8 code
 * width, then one bit-packed code per row. Applies to every FIXEDw and VARIABLE; wins when few
 * distinct values repeat out of order. Null rows store code 0; an all-null chunk stores a
 * dictionary of one zero (or empty) value, since a chunk with rows needs at least one entry.
 *
 * <p>Dictionaries are padded with zero (or empty) entries up to 2^b entries, b the code width, when
 * that costs little ({@link #storedEntries}): no b-bit code can then be out of range, and the decoder
 * drops its per-row range check, which made wasm decode 12-20% more rows per second on fixed-width
 * columns of 1000 distinct values.
 */
final class DictEncoding extends ShippedEncoding {
  static final String NAME = "capsule.dict";

  DictEncoding() {
    super("dict");
  }

  /** Needs the dictionary counted to the end, which a selection analysis skips when dict cannot win. */
  @Override
  public boolean supports(ColumnAnalysis analysis) {
    return analysis.layout() != PhysicalLayout.BIT && analysis.dictionarySize() >= 0;
  }

  @Override
  public long estimateSize(ColumnAnalysis analysis) {
    return size(analysis.layout(), analysis.rowCount(), analysis.hasValidity(),
        analysis.dictionarySize(), analysis.dictionaryValueBytes());
  }

  /**
   * Entries stored for {@code distinct} values in a chunk of rowCount rows: 2^b, b the code width,
   * when the padding entries take at most 1/64 of the bytes the codes take, else {@code distinct}.
   * A padding entry is zero bytes of the value width, or an empty VARIABLE value (one more offset).
   * The padding never changes the code width.
   */
  static int storedEntries(PhysicalLayout layout, int rowCount, int distinct) {
    int width = codeWidth(distinct);
    if (width == 0 || width > 30) {
      return distinct;
    }
    int padded = 1 << width;
    long entryBytes = layout == PhysicalLayout.VARIABLE ? 4 : layout.byteWidth();
    boolean cheap = (padded - distinct) * entryBytes * 64 <= ChunkWriter.packedSize(rowCount, width);
    return cheap ? padded : distinct;
  }

  /** Bits per code for a dictionary of {@code size} entries. */
  static int codeWidth(int size) {
    return size <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(size - 1);
  }

  /**
   * Exact chunk size for a dictionary of {@code size} entries holding {@code valueBytes} bytes
   * (VARIABLE). Grows with both, which is what lets {@link Distinct} stop early.
   */
  static long size(PhysicalLayout layout, int rowCount, boolean hasValidity, int size, long valueBytes) {
    int entries = storedEntries(layout, rowCount, size);
    long dictionary = layout == PhysicalLayout.VARIABLE
        ? 4L * (entries + 1) + valueBytes
        : (long) entries * layout.byteWidth();
    return ChunkWriter.headerSize(rowCount, hasValidity) + 4 + dictionary + 4
        + ChunkWriter.packedSize(rowCount, codeWidth(size));
  }

  @Override
  public byte[] encode(ColumnValues values, ColumnAnalysis analysis) {
    analysis.requireDescribes(values, NAME);
    if (!supports(analysis)) {
      throw new IllegalArgumentException(NAME + " cannot encode " + analysis
          + (analysis.layout() == PhysicalLayout.BIT ? "" : "; analyze with ColumnAnalysis.of to count every value"));
    }
    int size = analysis.dictionarySize();
    ChunkWriter out = ChunkWriter.start(NAME, estimateSize(analysis), values);
    PhysicalLayout layout = values.layout();
    int entries = storedEntries(layout, values.rowCount(), size);
    out.u32(entries);
    if (FixedValues.isWord(layout)) {
      DictLongKernel.encode(out, values, size, entries);
    } else {
      DictSliceKernel.encode(out, values, size, entries);
    }
    return out.finish();
  }

  /** The code width field and its 3 reserved bytes, then a packer for the codes. */
  static BitPacker codes(ChunkWriter out, int rowCount, int size) {
    int width = codeWidth(size);
    out.u8(width);
    out.zeros(3);
    return out.packer(rowCount, width);
  }

  static void checkSize(int expected, int actual) {
    if (expected != actual) {
      throw new IllegalArgumentException(NAME + ": the analysis counted " + expected
          + " dictionary entries but the values have " + actual);
    }
  }
}
