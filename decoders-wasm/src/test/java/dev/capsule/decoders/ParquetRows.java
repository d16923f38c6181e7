package dev.capsule.decoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.decoders.DecoderHarness.Decoded;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Rows of a Parquet column as a capsule.parquet decoder must output them: the value bytes in the
 * output layout for each valid row, null for a null row. The value of a null slot is unspecified,
 * so checks skip it.
 */
record ParquetRows(int layoutCode, byte[][] rows) {

  int n() {
    return rows.length;
  }

  /** Value bytes in the output layout: integers and floats little-endian, truncated to FIXED1/2. */
  static byte[] outputBytes(Object v, int layoutCode) {
    if (v instanceof Boolean) {
      return new byte[] {(byte) ((Boolean) v ? 1 : 0)};
    }
    if (v instanceof Binary) {
      return ((Binary) v).getBytes();
    }
    long bits;
    int width;
    if (v instanceof Integer) {
      bits = (Integer) v;
      width = layoutCode;
    } else if (v instanceof Long) {
      bits = (Long) v;
      width = 8;
    } else if (v instanceof Float) {
      bits = Float.floatToRawIntBits((Float) v);
      width = 4;
    } else {
      bits = Double.doubleToRawLongBits((Double) v);
      width = 8;
    }
    byte[] out = new byte[width];
    for (int k = 0; k < width; k++) {
      out[k] = (byte) (bits >>> (8 * k));
    }
    return out;
  }

  static ParquetRows of(Object[] values, int layoutCode) {
    byte[][] rows = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      rows[i] = values[i] == null ? null : outputBytes(values[i], layoutCode);
    }
    return new ParquetRows(layoutCode, rows);
  }

  /** Compares a decoded window with rows [first, first + count). */
  void check(Decoded d, int first, int count, String where) {
    String at = where + " rows [" + first + ", " + (first + count) + ")";
    int nulls = 0;
    for (int i = 0; i < count; i++) {
      if (rows[first + i] == null) {
        nulls++;
      }
    }
    assertEquals(nulls, d.nullCount(), at + ": null_count");
    if (nulls > 0) {
      assertTrue(d.validity() != null, at + ": validity buffer missing");
    }
    if (d.validity() != null) {
      for (int i = 0; i < count; i++) {
        assertEquals(rows[first + i] != null, bit(d.validity(), i), at + ": validity of row " + (first + i));
      }
    }
    switch (layoutCode) {
      case 0:
        for (int i = 0; i < count; i++) {
          byte[] r = rows[first + i];
          if (r != null) {
            assertEquals(r[0] != 0, bit(d.values(), i), at + ": value of row " + (first + i));
          }
        }
        break;
      case 255:
        for (int i = 0; i < count; i++) {
          byte[] r = rows[first + i];
          if (r != null) {
            byte[] got = Arrays.copyOfRange(d.data(), d.offsets()[i], d.offsets()[i + 1]);
            assertArrayEquals(r, got, at + ": value of row " + (first + i));
          }
        }
        break;
      default: {
        int w = layoutCode;
        for (int i = 0; i < count; i++) {
          byte[] r = rows[first + i];
          if (r != null && !Arrays.equals(r, 0, w, d.values(), i * w, i * w + w)) {
            assertArrayEquals(r, Arrays.copyOfRange(d.values(), i * w, i * w + w), at + ": value of row " + (first + i));
          }
        }
      }
    }
  }

  private static boolean bit(byte[] bm, int i) {
    return ((bm[i >> 3] >> (i & 7)) & 1) != 0;
  }

  /** Decodes every batch shape of the other decoder tests and checks each. */
  void decodeAllShapes(DecoderHarness h, int handle, Random rnd, String where) {
    int n = n();
    check(h.decode(handle, layoutCode, 0, n), 0, n, where + " whole");
    for (int[] w : Expected.windows(n, rnd)) {
      check(h.decode(handle, layoutCode, w[0], w[1]), w[0], w[1], where + " window");
    }
    for (int size = 1; size <= 12; size++) { // batches of 1..12 from a random row, 40 of them
      int first = n == 0 ? 0 : rnd.nextInt(n);
      for (int k = 0; k < 40 && first < n; k++) {
        int count = Math.min(size, n - first);
        check(h.decode(handle, layoutCode, first, count), first, count, where + " batch " + size);
        first += count;
      }
    }
    for (int size : new int[] {31, 32, 33, 1024}) { // consecutive batches over the whole chunk
      for (int first = 0; first < n; first += size) {
        int count = Math.min(size, n - first);
        check(h.decode(handle, layoutCode, first, count), first, count, where + " batch " + size);
      }
    }
    for (int first = 0; first < n; ) { // random skip + read
      first += rnd.nextInt(700);
      if (first >= n) {
        break;
      }
      int count = Math.min(1 + rnd.nextInt(900), n - first);
      check(h.decode(handle, layoutCode, first, count), first, count, where + " skip+read");
      first += count;
    }
  }

  // ---- seeded values ----

  enum Shape {
    MANY_DISTINCT,
    FEW_DISTINCT,
    /** Few distinct values in the first 1000 rows, then many: a dictionary that overflows late. */
    FEW_THEN_MANY
  }

  static Object randomValue(PrimitiveTypeName t, int typeLength, Random rnd) {
    switch (t) {
      case BOOLEAN:
        return rnd.nextBoolean();
      case INT32:
        return rnd.nextInt(4) == 0 ? rnd.nextInt(100) : rnd.nextInt();
      case INT64:
        return rnd.nextInt(4) == 0 ? (long) rnd.nextInt(100) : rnd.nextLong();
      case FLOAT:
        return (rnd.nextFloat() - 0.5f) * (float) Math.pow(10, rnd.nextInt(12));
      case DOUBLE:
        return (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(30));
      case INT96:
      case FIXED_LEN_BYTE_ARRAY: {
        byte[] b = new byte[t == PrimitiveTypeName.INT96 ? 12 : typeLength];
        rnd.nextBytes(b);
        return Binary.fromConstantByteArray(b);
      }
      default: {
        int kind = rnd.nextInt(10);
        byte[] b = new byte[kind < 2 ? 0 : kind < 8 ? 1 + rnd.nextInt(16) : 17 + rnd.nextInt(60)];
        rnd.nextBytes(b);
        return Binary.fromConstantByteArray(b);
      }
    }
  }

  /**
   * n values; for optional columns about a quarter null, plus a stretch of 600 nulls and one of
   * 600 values (whole pages without a null or without a value).
   */
  static Object[] generate(PrimitiveTypeName t, int typeLength, boolean optional, Shape shape, int n,
                           Random rnd) {
    List<Object> pool = new ArrayList<>();
    for (int k = 0; k < 7; k++) {
      pool.add(randomValue(t, typeLength, rnd));
    }
    Object[] values = new Object[n];
    Object current = pool.get(0);
    int nullStretch = n / 3, validStretch = 2 * n / 3;
    for (int i = 0; i < n; i++) {
      boolean isNull = optional && (i >= nullStretch && i < nullStretch + 600
          || !(i >= validStretch && i < validStretch + 600) && rnd.nextInt(4) == 0);
      if (!isNull) {
        if (shape == Shape.MANY_DISTINCT || shape == Shape.FEW_THEN_MANY && i >= 1000) {
          values[i] = randomValue(t, typeLength, rnd);
        } else {
          if (rnd.nextInt(12) == 0) { // runs of about 12 equal values: RLE runs of indices
            current = pool.get(rnd.nextInt(pool.size()));
          }
          values[i] = rnd.nextInt(3) == 0 ? pool.get(rnd.nextInt(pool.size())) : current;
        }
      }
    }
    return values;
  }
}
