package dev.capsule.bench.javadecode;

import dev.capsule.format.PhysicalLayout;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;

/** capsule.dict: unpack each b-bit code, check it against the dictionary size, copy the entry. */
final class DictJavaDecoder implements JavaChunkDecoder {
  private static final String ENCODING = "capsule.dict";
  private final byte[] chunk;
  private final ChunkHeader header;
  private final ValueList dictionary;
  private final int bits;
  private final int codes;

  DictJavaDecoder(byte[] chunk) {
    this.chunk = chunk;
    this.header = ChunkHeader.parse(chunk, ENCODING);
    int p = header.payload();
    if (p + 4 > chunk.length) {
      throw new IllegalArgumentException(ENCODING + ": chunk ends before the dictionary size");
    }
    int size = LittleEndian.getInt(chunk, p);
    if (size < 0 || (size == 0 && header.rowCount() > 0)) {
      throw new IllegalArgumentException(ENCODING + ": bad dictionary size " + size);
    }
    dictionary = ValueList.read(chunk, p + 4, size, header.layout(), ENCODING);
    int at = dictionary.end;
    if (at + 4 > chunk.length) {
      throw new IllegalArgumentException(ENCODING + ": chunk ends before the code bit width");
    }
    bits = chunk[at] & 0xFF;
    if (bits > 32) {
      throw new IllegalArgumentException(ENCODING + ": code bit width " + bits + " is above 32");
    }
    codes = at + 4;
    if (Unpacker.streamEnd(chunk, codes, header.rowCount(), bits, ENCODING) != chunk.length) {
      throw new IllegalArgumentException(ENCODING + ": chunk length does not match its sections");
    }
  }

  @Override
  public int rowCount() {
    return header.rowCount();
  }

  @Override
  public void decodeInto(int first, int count, FieldVector vector) {
    header.checkRows(first, count);
    PhysicalLayout layout = header.layout();
    if (layout == PhysicalLayout.FIXED4) {
      gather4(ArrowOutput.fixedValues(vector, count), first, count);
    } else if (layout == PhysicalLayout.FIXED8) {
      gather8(ArrowOutput.fixedValues(vector, count), first, count);
    } else {
      gatherVariable(vector, first, count);
    }
    ArrowOutput.validity(vector, chunk, header.validityOffset(), first, count);
    ArrowOutput.finish(vector, count);
  }

  private void gather4(long out, int first, int count) {
    final byte[] c = chunk;
    final int b = bits;
    final int start = codes;
    final long mask = (1L << b) - 1;
    final int[] dict = dictionary.ints;
    long bit = (long) first * b;
    for (int j = 0; j < count; j++, bit += b) {
      int code = (int) ((LittleEndian.getLong(c, start + (int) (bit >>> 3)) >>> (bit & 7)) & mask);
      if (Integer.compareUnsigned(code, dict.length) >= 0) { // codes are u32: one of 2^31 or more is negative here
        throw badCode(first + j, code);
      }
      MemoryUtil.putInt(out + 4L * j, dict[code]);
    }
  }

  private void gather8(long out, int first, int count) {
    final byte[] c = chunk;
    final int b = bits;
    final int start = codes;
    final long mask = (1L << b) - 1;
    final long[] dict = dictionary.longs;
    long bit = (long) first * b;
    for (int j = 0; j < count; j++, bit += b) {
      int code = (int) ((LittleEndian.getLong(c, start + (int) (bit >>> 3)) >>> (bit & 7)) & mask);
      if (Integer.compareUnsigned(code, dict.length) >= 0) { // codes are u32: one of 2^31 or more is negative here
        throw badCode(first + j, code);
      }
      MemoryUtil.putLong(out + 8L * j, dict[code]);
    }
  }

  private void gatherVariable(FieldVector vector, int first, int count) {
    long offsets = ArrowOutput.variableOffsets(vector, count);
    long data = ArrowOutput.variableData(vector, (long) count * dictionary.maxLength + LittleEndian.SHORT_VALUE);
    final byte[] c = chunk;
    final int b = bits;
    final int start = codes;
    final long mask = (1L << b) - 1;
    final int[] dict = dictionary.offsets;
    final int size = dictionary.count;
    final int dataStart = dictionary.dataStart;
    long bit = (long) first * b;
    int acc = 0;
    MemoryUtil.putInt(offsets, 0);
    for (int j = 0; j < count; j++, bit += b) {
      int code = (int) ((LittleEndian.getLong(c, start + (int) (bit >>> 3)) >>> (bit & 7)) & mask);
      if (Integer.compareUnsigned(code, size) >= 0) { // codes are u32: one of 2^31 or more is negative here
        throw badCode(first + j, code);
      }
      int from = dict[code];
      int length = dict[code + 1] - from;
      LittleEndian.copyValue(c, dataStart + from, data + acc, length);
      acc += length;
      MemoryUtil.putInt(offsets + 4L * (j + 1), acc);
    }
  }

  private IllegalArgumentException badCode(int row, int code) {
    return new IllegalArgumentException(ENCODING + ": code " + Integer.toUnsignedString(code) + " of row " + row
        + " is not below the dictionary size " + dictionary.count);
  }
}
