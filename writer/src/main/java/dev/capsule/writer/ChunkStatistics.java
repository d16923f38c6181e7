package dev.capsule.writer;

import com.google.protobuf.ByteString;
import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.format.proto.Statistics;
import dev.capsule.writer.encoding.FixedValues;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.arrow.memory.util.Float16;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Null count, min and max of a chunk, encoded as SPEC.md "Statistics values" says: fixed-width
 * values as their little-endian bytes; booleans as one byte; utf8/binary as the bytes themselves,
 * compared unsigned, and left out when longer than {@link #MAX_BINARY_STAT}; fixed-size binaries as
 * their bytes, compared unsigned. Floats ignore NaN; intervals have no order and no min or max;
 * min and max are absent when no value qualifies.
 */
final class ChunkStatistics {
  static final int MAX_BINARY_STAT = dev.capsule.format.FileLayout.MAX_BINARY_STATISTIC;

  private ChunkStatistics() {}

  static Statistics of(ColumnValues values, ArrowType type) {
    Statistics.Builder stats = Statistics.newBuilder().setNullCount(values.nullCount());
    byte[][] minMax = minMax(values, type);
    if (minMax != null) {
      stats.setMin(ByteString.copyFrom(minMax[0])).setMax(ByteString.copyFrom(minMax[1]));
    }
    return stats.build();
  }

  private static byte[][] minMax(ColumnValues values, ArrowType type) {
    int n = values.rowCount();
    PhysicalLayout layout = values.layout();
    byte[] data = values.data();
    type = PhysicalLayout.storageType(type);
    switch (type.getTypeID()) {
      case Bool: {
        boolean seenFalse = false;
        boolean seenTrue = false;
        for (int i = 0; i < n; i++) {
          if (values.isValid(i)) {
            boolean v = FixedValues.bit(data, i);
            seenTrue |= v;
            seenFalse |= !v;
          }
        }
        if (!seenFalse && !seenTrue) {
          return null;
        }
        return new byte[][] {{(byte) (seenFalse ? 0 : 1)}, {(byte) (seenTrue ? 1 : 0)}};
      }
      case Int:
      case Date:
      case Time:
      case Timestamp:
      case Duration: {
        boolean signed = !(type instanceof ArrowType.Int) || ((ArrowType.Int) type).getIsSigned();
        int width = layout.byteWidth();
        long min = 0;
        long max = 0;
        boolean any = false;
        for (int i = 0; i < n; i++) {
          if (!values.isValid(i)) {
            continue;
          }
          long v = FixedValues.load(data, i, width, signed);
          if (!any) {
            min = v;
            max = v;
            any = true;
          } else if (signed) {
            min = Math.min(min, v);
            max = Math.max(max, v);
          } else {
            min = Long.compareUnsigned(v, min) < 0 ? v : min;
            max = Long.compareUnsigned(v, max) > 0 ? v : max;
          }
        }
        return any ? new byte[][] {littleEndian(min, width), littleEndian(max, width)} : null;
      }
      case FloatingPoint: {
        int width = layout.byteWidth();
        if (width == 2) {
          return halfFloatMinMax(values);
        }
        ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        boolean any = false;
        for (int i = 0; i < n; i++) {
          if (!values.isValid(i)) {
            continue;
          }
          double v = width == 4 ? buffer.getFloat(i * 4) : buffer.getDouble(i * 8);
          if (!Double.isNaN(v)) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            any = true;
          }
        }
        if (!any) {
          return null;
        }
        ByteBuffer out = ByteBuffer.allocate(2 * width).order(ByteOrder.LITTLE_ENDIAN);
        if (width == 4) {
          out.putFloat((float) min).putFloat((float) max);
        } else {
          out.putDouble(min).putDouble(max);
        }
        byte[] both = out.array();
        return new byte[][] {Arrays.copyOf(both, width), Arrays.copyOfRange(both, width, 2 * width)};
      }
      case Decimal:
        return fixedMinMax(values, ChunkStatistics::compareSignedLittleEndian);
      case FixedSizeBinary:
        return fixedMinMax(values, (d, a, b, w) -> Arrays.compareUnsigned(d, a, a + w, d, b, b + w));
      case Utf8:
      case Binary: {
        int[] offsets = values.offsets();
        int minRow = -1;
        int maxRow = -1;
        for (int i = 0; i < n; i++) {
          if (!values.isValid(i)) {
            continue;
          }
          if (minRow < 0 || compareBytes(data, offsets, i, minRow) < 0) {
            minRow = i;
          }
          if (maxRow < 0 || compareBytes(data, offsets, i, maxRow) > 0) {
            maxRow = i;
          }
        }
        if (minRow < 0
            || offsets[minRow + 1] - offsets[minRow] > MAX_BINARY_STAT
            || offsets[maxRow + 1] - offsets[maxRow] > MAX_BINARY_STAT) {
          return null;
        }
        return new byte[][] {
          Arrays.copyOfRange(data, offsets[minRow], offsets[minRow + 1]),
          Arrays.copyOfRange(data, offsets[maxRow], offsets[maxRow + 1])
        };
      }
      default:
        return null;
    }
  }

  /** Min and max of FIXEDw values (decimals, fixed-size binary of any width), in the given order of their bytes. */
  private static byte[][] fixedMinMax(ColumnValues values, FixedOrder order) {
    int width = values.layout().byteWidth();
    byte[] data = values.data();
    int minRow = -1;
    int maxRow = -1;
    // Rows are compared in place and only the two winners copied: a copy per row would allocate
    // as many arrays as the chunk has values.
    for (int i = 0; i < values.rowCount(); i++) {
      if (!values.isValid(i)) {
        continue;
      }
      if (minRow < 0 || order.compare(data, i * width, minRow * width, width) < 0) {
        minRow = i;
      }
      if (maxRow < 0 || order.compare(data, i * width, maxRow * width, width) > 0) {
        maxRow = i;
      }
    }
    if (minRow < 0) {
      return null;
    }
    return new byte[][] {
      Arrays.copyOfRange(data, minRow * width, (minRow + 1) * width),
      Arrays.copyOfRange(data, maxRow * width, (maxRow + 1) * width)
    };
  }

  /** An order of the width-byte values of data at byte offsets a and b. */
  private interface FixedOrder {
    int compare(byte[] data, int a, int b, int width);
  }

  /** Half floats: compared as numbers (NaN ignored, -0 below +0), stored as their 2 bytes. */
  private static byte[][] halfFloatMinMax(ColumnValues values) {
    byte[] data = values.data();
    int minRow = -1;
    int maxRow = -1;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < values.rowCount(); i++) {
      if (!values.isValid(i)) {
        continue;
      }
      float v = Float16.toFloat((short) FixedValues.load(data, i, 2, false));
      if (Float.isNaN(v)) {
        continue;
      }
      if (minRow < 0 || Float.compare(v, min) < 0) {
        min = v;
        minRow = i;
      }
      if (maxRow < 0 || Float.compare(v, max) > 0) {
        max = v;
        maxRow = i;
      }
    }
    if (minRow < 0) {
      return null;
    }
    return new byte[][] {Arrays.copyOfRange(data, 2 * minRow, 2 * minRow + 2), Arrays.copyOfRange(data, 2 * maxRow, 2 * maxRow + 2)};
  }

  private static byte[] littleEndian(long value, int width) {
    byte[] out = new byte[width];
    for (int i = 0; i < width; i++) {
      out[i] = (byte) (value >>> (8 * i));
    }
    return out;
  }

  /** Signed comparison of the little-endian two's-complement integers of width bytes at offsets a and b of data. */
  private static int compareSignedLittleEndian(byte[] data, int a, int b, int width) {
    int top = width - 1;
    int high = Byte.compare(data[a + top], data[b + top]);
    if (high != 0) {
      return high;
    }
    for (int i = top - 1; i >= 0; i--) {
      int c = Integer.compare(data[a + i] & 0xFF, data[b + i] & 0xFF);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static int compareBytes(byte[] data, int[] offsets, int a, int b) {
    return Arrays.compareUnsigned(data, offsets[a], offsets[a + 1], data, offsets[b], offsets[b + 1]);
  }
}
