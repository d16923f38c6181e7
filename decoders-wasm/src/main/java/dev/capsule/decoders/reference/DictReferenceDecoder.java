package dev.capsule.decoders.reference;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.decoders.ValueKind;

/** capsule.dict: a dictionary of distinct values, then one bit-packed code per row. */
final class DictReferenceDecoder implements ReferenceDecoder {
  static final String ENCODING = "capsule.dict";
  static final int MAX_CODE_BIT_WIDTH = 32;

  @Override
  public String module() {
    return "dict";
  }

  @Override
  public ColumnValues decode(byte[] chunk, ValueKind kind, int firstRow, int count) {
    ChunkHeader header = ChunkHeader.parse(chunk, ENCODING);
    header.requireNotBit();
    header.checkWindow(firstRow, count);
    int n = header.rowCount();
    ChunkCursor in = header.payload(chunk);
    int sizeAt = in.position();
    int size = in.u32Count("dict_size");
    if (n > 0 && size == 0) {
      throw in.malformed(sizeAt, "dict_size is 0 but the chunk has " + n + " rows");
    }
    ValueTable dictionary = ValueTable.read(in, header.layout(), size, "dictionary");
    int widthAt = in.position();
    int width = in.u8("code_bit_width");
    if (width > MAX_CODE_BIT_WIDTH) {
      throw in.malformed(widthAt, "code_bit_width " + width + " exceeds " + MAX_CODE_BIT_WIDTH);
    }
    in.reserved(3, "reserved bytes after code_bit_width");
    int packed = Bits.packedRegion(in, n, width, "packed codes");
    in.requireEnd();

    // Every code of the chunk is checked, not only the requested ones: the oracle is strict.
    for (int i = 0; i < n && width > 0; i++) { // b = 0: every code is 0 < dict_size
      long code = Bits.unpack(chunk, packed, i, width);
      if (code >= size) {
        throw in.malformed(packed + ((long) i * width >>> 3), "code " + code + " of row " + i + " is not below dict_size " + size);
      }
    }
    int[] index = new int[count];
    for (int i = 0; i < count; i++) {
      index[i] = (int) Bits.unpack(chunk, packed, (long) firstRow + i, width);
    }
    return dictionary.gather(kind, index, header.validity(chunk, firstRow, count));
  }
}
