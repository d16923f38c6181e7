package dev.capsule.bench.javadecode;

import dev.capsule.format.PhysicalLayout;
import java.util.Arrays;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;

/** capsule.ree: binary search for the first run, then one fill loop per run. */
final class ReeJavaDecoder implements JavaChunkDecoder {
  private static final String ENCODING = "capsule.ree";
  private final byte[] chunk;
  private final ChunkHeader header;
  private final int[] runEnds;
  private final ValueList values;

  ReeJavaDecoder(byte[] chunk) {
    this.chunk = chunk;
    this.header = ChunkHeader.parse(chunk, ENCODING);
    int p = header.payload();
    if (p + 4 > chunk.length) {
      throw new IllegalArgumentException(ENCODING + ": chunk ends before the run count");
    }
    int runs = LittleEndian.getInt(chunk, p);
    if (runs < 0 || p + 4 + 4L * runs > chunk.length) {
      throw new IllegalArgumentException(ENCODING + ": run count " + runs + " does not fit the chunk");
    }
    runEnds = new int[runs];
    int previous = 0;
    for (int j = 0; j < runs; j++) {
      runEnds[j] = LittleEndian.getInt(chunk, p + 4 + 4 * j);
      if (runEnds[j] <= previous) {
        throw new IllegalArgumentException(ENCODING + ": run ends must increase (run " + j + ")");
      }
      previous = runEnds[j];
    }
    if (previous != header.rowCount()) {
      throw new IllegalArgumentException(ENCODING + ": last run ends at " + previous + ", not " + header.rowCount());
    }
    values = ValueList.read(chunk, p + 4 + 4 * runs, runs, header.layout(), ENCODING);
    if (values.end != chunk.length) {
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
    if (count > 0) {
      int run = firstRun(first);
      PhysicalLayout layout = header.layout();
      if (layout == PhysicalLayout.FIXED4) {
        fill4(ArrowOutput.fixedValues(vector, count), run, first, count);
      } else if (layout == PhysicalLayout.FIXED8) {
        fill8(ArrowOutput.fixedValues(vector, count), run, first, count);
      } else {
        fillVariable(vector, run, first, count);
      }
    }
    ArrowOutput.validity(vector, chunk, header.validityOffset(), first, count);
    ArrowOutput.finish(vector, count);
  }

  /** The run holding row: the first whose end is above it. */
  private int firstRun(int row) {
    int i = Arrays.binarySearch(runEnds, row);
    return i >= 0 ? i + 1 : -i - 1;
  }

  private void fill4(long out, int run, int first, int count) {
    final int[] ends = runEnds;
    final int[] v = values.ints;
    int row = 0;
    while (row < count) {
      int end = Math.min(ends[run] - first, count);
      int value = v[run++];
      for (; row < end; row++) {
        MemoryUtil.putInt(out + 4L * row, value);
      }
    }
  }

  private void fill8(long out, int run, int first, int count) {
    final int[] ends = runEnds;
    final long[] v = values.longs;
    int row = 0;
    while (row < count) {
      int end = Math.min(ends[run] - first, count);
      long value = v[run++];
      for (; row < end; row++) {
        MemoryUtil.putLong(out + 8L * row, value);
      }
    }
  }

  /** Values up to this many bytes are written as 8-byte words per row, loaded once per run. */
  private static final int SHORT_VALUE = 32;

  /**
   * As the reader expands capsule.ree's run-end output: a value of at most 16 or 32 bytes is loaded
   * once per run as two or four words and written with as many 8-byte stores per row; a longer one
   * is copied per row.
   */
  private void fillVariable(FieldVector vector, int run, int first, int count) {
    long offsets = ArrowOutput.variableOffsets(vector, count);
    long data = ArrowOutput.variableData(vector, (long) count * values.maxLength + SHORT_VALUE);
    final int[] ends = runEnds;
    final int[] valueOffsets = values.offsets;
    final byte[] c = chunk;
    int acc = 0;
    int row = 0;
    MemoryUtil.putInt(offsets, 0);
    while (row < count) {
      int end = Math.min(ends[run] - first, count);
      int start = values.dataStart + valueOffsets[run];
      int length = valueOffsets[run + 1] - valueOffsets[run];
      run++;
      boolean wide = start <= c.length - SHORT_VALUE;
      if (wide && length <= 16) {
        long w0 = LittleEndian.getLong(c, start);
        long w1 = LittleEndian.getLong(c, start + 8);
        for (; row < end; row++) {
          MemoryUtil.putLong(data + acc, w0);
          MemoryUtil.putLong(data + acc + 8, w1);
          acc += length;
          MemoryUtil.putInt(offsets + 4L * (row + 1), acc);
        }
      } else if (wide && length <= SHORT_VALUE) {
        long w0 = LittleEndian.getLong(c, start);
        long w1 = LittleEndian.getLong(c, start + 8);
        long w2 = LittleEndian.getLong(c, start + 16);
        long w3 = LittleEndian.getLong(c, start + 24);
        for (; row < end; row++) {
          MemoryUtil.putLong(data + acc, w0);
          MemoryUtil.putLong(data + acc + 8, w1);
          MemoryUtil.putLong(data + acc + 16, w2);
          MemoryUtil.putLong(data + acc + 24, w3);
          acc += length;
          MemoryUtil.putInt(offsets + 4L * (row + 1), acc);
        }
      } else {
        for (; row < end; row++) {
          LittleEndian.copyValue(c, start, data + acc, length);
          acc += length;
          MemoryUtil.putInt(offsets + 4L * (row + 1), acc);
        }
      }
    }
  }
}
