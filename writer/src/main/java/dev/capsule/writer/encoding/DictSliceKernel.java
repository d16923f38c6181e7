package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;

/**
 * capsule.dict for fixed-width values other than 1, 2, 4 or 8 bytes wide and for VARIABLE values:
 * the dictionary is a {@link SliceHashTable}.
 */
final class DictSliceKernel {
  private DictSliceKernel() {}

  /**
   * Writes the dictionary (after dict_size) and the codes of a chunk of {@code size} distinct
   * values, stored as {@code entries} entries (empty or zero padding after the values).
   */
  static void encode(ChunkWriter out, ColumnValues values, int size, int entries) {
    byte[] data = values.data();
    int n = values.rowCount();
    SliceHashTable table = new SliceHashTable(data);
    for (int i = 0; i < n; i++) {
      if (values.isValid(i)) {
        addRow(table, values, i);
      }
    }
    boolean variable = values.layout() == PhysicalLayout.VARIABLE;
    int width = values.layout().byteWidth();
    if (table.size() == 0 && n > 0) {
      // All rows null: one entry of zero bytes (FIXEDw) or the empty value (VARIABLE).
      DictEncoding.checkSize(size, 1);
      if (variable) {
        out.u32(0);
        out.u32(0);
      } else {
        out.zeros(width);
      }
    } else {
      DictEncoding.checkSize(size, table.size());
      int padding = entries - size;
      if (variable) {
        long total = 0;
        out.u32(0);
        for (int code = 0; code < size; code++) {
          total += table.length(code);
          out.u32(total);
        }
        for (int k = 0; k < padding; k++) {
          out.u32(total);
        }
      }
      for (int code = 0; code < size; code++) {
        out.bytes(data, table.start(code), table.length(code));
      }
      if (!variable) {
        out.zeros(Math.toIntExact((long) padding * width));
      }
    }
    BitPacker codes = DictEncoding.codes(out, n, size);
    if (DictEncoding.codeWidth(size) > 0) {
      for (int i = 0; i < n; i++) {
        codes.put(values.isValid(i) ? addRow(table, values, i) : 0);
      }
      codes.flush();
    }
  }

  private static int addRow(SliceHashTable table, ColumnValues values, int row) {
    int[] offsets = values.offsets();
    if (offsets == null) {
      int width = values.layout().byteWidth();
      return table.add(row * width, width);
    }
    return table.add(offsets[row], offsets[row + 1] - offsets[row]);
  }
}
