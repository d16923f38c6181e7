package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;

/**
 * capsule.dict: u32 dictionary size, the distinct values in order of first appearance, u8 code
 * width, then one bit-packed code per row. Applies to every FIXEDw and VARIABLE; wins when few
 * distinct values repeat out of order. Null rows store code 0; an all-null chunk stores a
 * dictionary of one zero (or empty) value, since a chunk with rows needs at least one entry.
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

  /** Bits per code for a dictionary of {@code size} entries. */
  static int codeWidth(int size) {
    return size <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(size - 1);
  }

  /**
   * Exact chunk size for a dictionary of {@code size} entries holding {@code valueBytes} bytes
   * (VARIABLE). Grows with both, which is what lets {@link Distinct} stop early.
   */
  static long size(PhysicalLayout layout, int rowCount, boolean hasValidity, int size, long valueBytes) {
    long dictionary = layout == PhysicalLayout.VARIABLE
        ? 4L * (size + 1) + valueBytes
        : (long) size * layout.byteWidth();
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
    out.u32(size);
    PhysicalLayout layout = values.layout();
    if (FixedValues.isWord(layout)) {
      DictLongKernel.encode(out, values, size);
    } else {
      DictSliceKernel.encode(out, values, size);
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
