package dev.capsule.decoders.reference;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.decoders.ValueKind;
import java.util.Arrays;

/** capsule.plain: the values in row order (bitmap, n*w bytes, or offsets + data). */
final class PlainReferenceDecoder implements ReferenceDecoder {
  static final String ENCODING = "capsule.plain";

  @Override
  public String module() {
    return "plain";
  }

  @Override
  public ColumnValues decode(byte[] chunk, ValueKind kind, int firstRow, int count) {
    ChunkHeader header = ChunkHeader.parse(chunk, ENCODING);
    header.checkWindow(firstRow, count);
    int n = header.rowCount();
    PhysicalLayout layout = header.layout();
    ChunkCursor in = header.payload(chunk);
    byte[] validity = header.validity(chunk, firstRow, count);
    switch (layout.kind()) {
      case BIT: {
        int values = in.take((n + 7L) / 8, "values bitmap");
        Bits.requireUnusedBitsZero(in, values, n, "values bitmap");
        in.requireEnd();
        return new ColumnValues(layout, kind, count, validity, Bits.slice(chunk, values, firstRow, count), null);
      }
      case VARIABLE: {
        int[] offsets = in.offsets(n, "offsets");
        int data = in.take(offsets[n], "data");
        in.requireEnd();
        int[] window = new int[count + 1];
        for (int i = 0; i <= count; i++) {
          window[i] = offsets[firstRow + i] - offsets[firstRow];
        }
        byte[] bytes = Arrays.copyOfRange(chunk, data + offsets[firstRow], data + offsets[firstRow + count]);
        return new ColumnValues(layout, kind, count, validity, bytes, window);
      }
      default: {
        int w = layout.byteWidth();
        int values = in.take((long) n * w, "values");
        in.requireEnd();
        int from = values + firstRow * w;
        return new ColumnValues(layout, kind, count, validity, Arrays.copyOfRange(chunk, from, from + count * w), null);
      }
    }
  }
}
