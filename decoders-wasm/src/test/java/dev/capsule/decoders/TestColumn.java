package dev.capsule.decoders;

import dev.capsule.format.PhysicalLayout;
import java.util.Arrays;
import java.util.Random;

/**
 * Rows of one physical layout as the tests think of them: every row is a byte string (the w
 * value bytes for FIXEDw, {0} or {1} for BIT, the value for VARIABLE); {@code valid} is null when
 * the column has no null. Null rows hold the zero/false/empty slot the contract prescribes.
 */
record TestColumn(PhysicalLayout layout, byte[][] rows, boolean[] valid) {

  enum Nulls { NONE, SOME, ALL }

  enum Shape {
    /** Independent random values. */
    RANDOM,
    /** Runs of equal values, mostly short, some long (REE's case). */
    RUNS,
    /** A handful of distinct values (dictionary's case). */
    FEW_DISTINCT
  }

  int n() {
    return rows.length;
  }

  boolean isValid(int row) {
    return valid == null || valid[row];
  }

  static byte[] emptySlot(PhysicalLayout layout) {
    switch (layout.kind()) {
      case BIT:
        return new byte[] {0};
      case VARIABLE:
        return new byte[0];
      default:
        return new byte[layout.byteWidth()];
    }
  }

  /**
   * Generates a column. {@code maxBits}, when positive, limits FIXEDw values to a window of
   * 2^maxBits around a random base (so that capsule.bitpack can encode them).
   */
  static TestColumn generate(PhysicalLayout layout, int n, Nulls nulls, Shape shape, int maxBits,
                             Random rnd) {
    byte[][] pool = new byte[shape == Shape.FEW_DISTINCT ? 5 : 40][];
    // With maxBits, the window [base, base + 2^maxBits) holds 0, the slot of null rows.
    long base = maxBits > 0 ? -(rnd.nextLong() >>> (65 - maxBits)) : rnd.nextLong();
    for (int i = 0; i < pool.length; i++) {
      pool[i] = randomValue(layout, maxBits, base, rnd);
    }
    byte[][] rows = new byte[n][];
    int i = 0;
    while (i < n) {
      byte[] v = shape == Shape.RANDOM ? randomValue(layout, maxBits, base, rnd)
          : pool[rnd.nextInt(pool.length)];
      int len = 1;
      if (shape == Shape.RUNS) {
        int kind = rnd.nextInt(10);
        len = kind < 6 ? 1 + rnd.nextInt(4) : kind < 9 ? 5 + rnd.nextInt(40) : 50 + rnd.nextInt(500);
      }
      for (int k = 0; k < len && i < n; k++) {
        rows[i++] = v;
      }
    }
    boolean[] valid = null;
    if (nulls != Nulls.NONE) {
      valid = new boolean[n];
      for (int r = 0; r < n; r++) {
        valid[r] = nulls == Nulls.SOME && rnd.nextInt(10) >= 3;
        if (!valid[r]) {
          rows[r] = emptySlot(layout);
        }
      }
    }
    return new TestColumn(layout, rows, valid);
  }

  static byte[] randomValue(PhysicalLayout layout, int maxBits, long base, Random rnd) {
    switch (layout.kind()) {
      case BIT:
        return new byte[] {(byte) rnd.nextInt(2)};
      case VARIABLE: {
        int kind = rnd.nextInt(10);
        byte[] v = new byte[kind < 2 ? 0 : kind < 8 ? 1 + rnd.nextInt(16) : 17 + rnd.nextInt(60)];
        rnd.nextBytes(v);
        return v;
      }
      default: {
        int w = layout.byteWidth();
        byte[] v = new byte[w];
        if (maxBits > 0 && maxBits < 64) {
          long x = base + (rnd.nextLong() >>> (64 - maxBits));
          for (int k = 0; k < w; k++) {
            v[k] = (byte) (k < 8 ? x >>> (8 * k) : x >> 63); // wider values: sign-extended
          }
        } else {
          rnd.nextBytes(v);
        }
        // Now and then a value whose bytes are all equal (memory.fill paths).
        if (maxBits <= 0 && rnd.nextInt(8) == 0) {
          Arrays.fill(v, (byte) (rnd.nextBoolean() ? 0 : rnd.nextInt()));
        }
        return v;
      }
    }
  }
}
