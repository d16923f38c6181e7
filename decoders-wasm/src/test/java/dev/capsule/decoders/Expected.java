package dev.capsule.decoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.decoders.DecoderHarness.Decoded;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Compares a decoded window with the rows of a {@link TestColumn}. */
final class Expected {
  private Expected() {}

  static void check(TestColumn c, Decoded d, int first, int count) {
    String where = c.layout() + " rows [" + first + ", " + (first + count) + ")";
    int nulls = 0;
    for (int i = 0; i < count; i++) {
      if (!c.isValid(first + i)) {
        nulls++;
      }
    }
    assertEquals(nulls, d.nullCount(), where + ": null_count");
    if (d.validity() != null) {
      for (int i = 0; i < count; i++) {
        assertEquals(c.isValid(first + i), bit(d.validity(), i), where + ": validity of row " + (first + i));
      }
      checkPadding(d.validity(), count, where + ": validity");
    }
    switch (c.layout().kind()) {
      case BIT:
        for (int i = 0; i < count; i++) {
          assertEquals(c.rows()[first + i][0] != 0, bit(d.values(), i), where + ": value of row " + (first + i));
        }
        checkPadding(d.values(), count, where + ": values");
        break;
      case VARIABLE: {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
          assertEquals(data.size(), d.offsets()[i], where + ": offset of row " + (first + i));
          data.writeBytes(c.rows()[first + i]);
        }
        assertEquals(data.size(), d.offsets()[count], where + ": end offset");
        assertArrayEquals(data.toByteArray(), d.data(), where + ": data");
        break;
      }
      default: {
        int w = c.layout().byteWidth();
        byte[] expect = new byte[count * w];
        for (int i = 0; i < count; i++) {
          System.arraycopy(c.rows()[first + i], 0, expect, i * w, w);
        }
        if (!java.util.Arrays.equals(expect, d.values())) {
          int i = java.util.Arrays.mismatch(expect, d.values()) / w;
          assertArrayEquals(c.rows()[first + i], java.util.Arrays.copyOfRange(d.values(), i * w, i * w + w),
              where + ": value of row " + (first + i));
        }
      }
    }
  }

  private static boolean bit(byte[] bm, int i) {
    return ((bm[i >> 3] >> (i & 7)) & 1) != 0;
  }

  /** The shipped decoders zero the bits past the length in the last byte. */
  private static void checkPadding(byte[] bm, int count, String where) {
    if ((count & 7) != 0) {
      assertEquals(0, (bm[count >> 3] & 0xFF) >> (count & 7), where + ": bits past the length");
    }
  }

  /** {first_row, row_count} windows for a chunk of n rows: edges, byte-crossing, and random ones. */
  static List<int[]> windows(int n, Random rnd) {
    List<int[]> w = new ArrayList<>();
    int[][] fixed = {
        {0, n}, {0, 1}, {5, 7}, {31, 33}, {n - 1, 1}, {0, 0}, {n, 0}, {3, 70}, {8, 64}, {1, n - 2},
        {7, 9}, {9, 17}, {n - 9, 9}, {n / 2, n - n / 2}
    };
    for (int[] f : fixed) {
      if (f[0] >= 0 && f[1] >= 0 && (long) f[0] + f[1] <= n) {
        w.add(f);
      }
    }
    for (int k = 0; k < 6 && n > 0; k++) {
      int first = rnd.nextInt(n);
      w.add(new int[] {first, rnd.nextInt(n - first + 1)});
    }
    return w;
  }
}
