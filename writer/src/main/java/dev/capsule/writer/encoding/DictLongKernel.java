package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;

/** capsule.dict for 1- to 8-byte values: the dictionary is a {@link LongHashTable}. */
final class DictLongKernel {
  private DictLongKernel() {}

  /**
   * Writes the dictionary (after dict_size) and the codes of a chunk of {@code size} distinct
   * values, stored as {@code entries} entries (zero padding after the values).
   */
  static void encode(ChunkWriter out, ColumnValues values, int size, int entries) {
    byte[] data = values.data();
    byte[] validity = values.validity();
    int width = values.layout().byteWidth();
    int n = values.rowCount();
    // Pass 1 numbers the distinct values; pass 2 looks each row up while packing. Cheaper than
    // holding n codes, and the dictionary must precede the codes in the chunk.
    LongHashTable table = new LongHashTable();
    for (int i = 0; i < n; i++) {
      if (validity == null || FixedValues.bit(validity, i)) {
        table.add(FixedValues.load(data, i, width, false));
      }
    }
    if (table.size() == 0 && n > 0) {
      table.add(0); // all rows null: one zero entry, which every null code 0 points at
    }
    DictEncoding.checkSize(size, table.size());
    int at = out.reserve((long) entries * width);
    for (int code = 0; code < entries; code++) {
      FixedValues.store(out.array(), at + code * width, code < size ? table.value(code) : 0, width);
    }
    BitPacker codes = DictEncoding.codes(out, n, size);
    if (DictEncoding.codeWidth(size) > 0) {
      for (int i = 0; i < n; i++) {
        boolean valid = validity == null || FixedValues.bit(validity, i);
        codes.put(valid ? table.add(FixedValues.load(data, i, width, false)) : 0);
      }
      codes.flush();
    }
  }
}
