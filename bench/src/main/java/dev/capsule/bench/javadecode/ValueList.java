package dev.capsule.bench.javadecode;

import dev.capsule.format.PhysicalLayout;

/**
 * Values a chunk stores once and rows refer to by index (capsule.ree run values, the capsule.dict
 * dictionary), read into arrays at open: FIXED4 as int[], FIXED8 as long[], VARIABLE as offsets
 * into the chunk plus the longest value.
 */
final class ValueList {
  final int count;
  final int[] ints;
  final long[] longs;
  /** VARIABLE: count + 1 offsets, relative to dataStart. */
  final int[] offsets;
  final int dataStart;
  final int maxLength;
  /** Where the bytes after the list start. */
  final int end;

  private ValueList(int count, int[] ints, long[] longs, int[] offsets, int dataStart, int maxLength, int end) {
    this.count = count;
    this.ints = ints;
    this.longs = longs;
    this.offsets = offsets;
    this.dataStart = dataStart;
    this.maxLength = maxLength;
    this.end = end;
  }

  static ValueList read(byte[] chunk, int at, int count, PhysicalLayout layout, String encoding) {
    if (layout == PhysicalLayout.FIXED4) {
      check(chunk, at, 4L * count, encoding);
      int[] values = new int[count];
      for (int i = 0; i < count; i++) {
        values[i] = LittleEndian.getInt(chunk, at + 4 * i);
      }
      return new ValueList(count, values, null, null, 0, 0, at + 4 * count);
    }
    if (layout == PhysicalLayout.FIXED8) {
      check(chunk, at, 8L * count, encoding);
      long[] values = new long[count];
      for (int i = 0; i < count; i++) {
        values[i] = LittleEndian.getLong(chunk, at + 8 * i);
      }
      return new ValueList(count, null, values, null, 0, 0, at + 8 * count);
    }
    if (layout == PhysicalLayout.VARIABLE) {
      check(chunk, at, 4L * (count + 1), encoding);
      int[] offsets = new int[count + 1];
      int max = 0;
      for (int i = 0; i <= count; i++) {
        offsets[i] = LittleEndian.getInt(chunk, at + 4 * i);
        if (i > 0) {
          int length = offsets[i] - offsets[i - 1];
          if (length < 0) {
            throw new IllegalArgumentException(encoding + ": value offsets decrease at " + i);
          }
          max = Math.max(max, length);
        }
      }
      if (offsets[0] != 0) {
        throw new IllegalArgumentException(encoding + ": value offsets must start at 0");
      }
      int dataStart = at + 4 * (count + 1);
      check(chunk, dataStart, offsets[count], encoding);
      return new ValueList(count, null, null, offsets, dataStart, max, dataStart + offsets[count]);
    }
    throw new IllegalArgumentException(encoding + ": layout " + layout + " is not handled here");
  }

  private static void check(byte[] chunk, int at, long length, String encoding) {
    if (length < 0 || at + length > chunk.length) {
      throw new IllegalArgumentException(encoding + ": values run past the chunk end");
    }
  }
}
