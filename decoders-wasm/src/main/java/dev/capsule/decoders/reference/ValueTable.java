package dev.capsule.decoders.reference;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.decoders.ValueKind;

/**
 * The values a chunk stores once and rows refer to by index: the run values of capsule.ree, the
 * dictionary of capsule.dict. Same byte shape in both: BIT one byte (0 or 1) per value, FIXEDw w
 * bytes per value, VARIABLE u32 offsets[count + 1] then the data.
 */
final class ValueTable {
  private final PhysicalLayout layout;
  private final byte[] chunk;
  private final int count;
  private final int start;
  private final int[] offsets;

  private ValueTable(PhysicalLayout layout, byte[] chunk, int count, int start, int[] offsets) {
    this.layout = layout;
    this.chunk = chunk;
    this.count = count;
    this.start = start;
    this.offsets = offsets;
  }

  /** Reads and checks {@code count} values at the cursor. */
  static ValueTable read(ChunkCursor in, PhysicalLayout layout, int count, String field) {
    byte[] chunk = in.chunk();
    switch (layout.kind()) {
      case BIT: {
        int start = in.take(count, field);
        for (int i = start; i < start + count; i++) {
          if (chunk[i] != 0 && chunk[i] != 1) {
            throw in.malformed(i, field + "[" + (i - start) + "] = " + (chunk[i] & 0xFF) + " but a BIT value MUST be 0 or 1");
          }
        }
        return new ValueTable(layout, chunk, count, start, null);
      }
      case VARIABLE: {
        int[] offsets = in.offsets(count, field + " offsets");
        int start = in.take(offsets[count], field + " data");
        return new ValueTable(layout, chunk, count, start, offsets);
      }
      default:
        return new ValueTable(layout, chunk, count, in.take((long) count * layout.byteWidth(), field), null);
    }
  }

  int count() {
    return count;
  }

  /** The rows whose row i holds value {@code index[i]}. */
  ColumnValues gather(ValueKind kind, int[] index, byte[] validity) {
    int rows = index.length;
    switch (layout.kind()) {
      case BIT: {
        byte[] bits = new byte[(rows + 7) / 8];
        for (int i = 0; i < rows; i++) {
          if (chunk[start + index[i]] == 1) {
            bits[i >>> 3] |= (byte) (1 << (i & 7));
          }
        }
        return new ColumnValues(layout, kind, rows, validity, bits, null);
      }
      case VARIABLE: {
        int[] out = new int[rows + 1];
        long total = 0;
        for (int i = 0; i < rows; i++) {
          total += offsets[index[i] + 1] - offsets[index[i]];
          out[i + 1] = ChunkHeader.outputSize(total, 1);
        }
        byte[] data = new byte[(int) total];
        for (int i = 0; i < rows; i++) {
          System.arraycopy(chunk, start + offsets[index[i]], data, out[i], out[i + 1] - out[i]);
        }
        return new ColumnValues(layout, kind, rows, validity, data, out);
      }
      default: {
        int w = layout.byteWidth();
        byte[] data = new byte[ChunkHeader.outputSize(rows, w)];
        for (int i = 0; i < rows; i++) {
          System.arraycopy(chunk, start + index[i] * w, data, i * w, w);
        }
        return new ColumnValues(layout, kind, rows, validity, data, null);
      }
    }
  }
}
