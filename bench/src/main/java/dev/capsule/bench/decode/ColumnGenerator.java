package dev.capsule.bench.decode;

import dev.capsule.decoders.ColumnValues;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seeded columns for the decode benchmarks and tests: the same type, shape, row count, null
 * fraction and seed always give the same values. Rows are generated as 64-bit keys in the chosen
 * shape, then turned into values of the type (an int32 or int64 of the key, a double with two
 * decimals, or an ASCII string of 4 to 24 letters drawn from the key), so every type keeps the shape.
 * Null rows hold zero (empty), as {@link ColumnValues} asks.
 */
public final class ColumnGenerator {
  private ColumnGenerator() {}

  public static ColumnValues generate(ValueType type, Shape shape, int rows, double nullFraction, long seed) {
    if (shape == Shape.NARROW && (type == ValueType.DOUBLE || type == ValueType.UTF8)) {
      throw new IllegalArgumentException("shape NARROW is for integers, not " + type);
    }
    if (shape == Shape.TEXT && type != ValueType.UTF8) {
      throw new IllegalArgumentException("shape TEXT is for strings, not " + type);
    }
    SplittableRandom random = new SplittableRandom(seed);
    long[] keys = keys(shape, type, rows, random);
    byte[] validity = nullFraction > 0 ? new byte[(rows + 7) / 8] : null;
    boolean[] valid = new boolean[rows];
    for (int i = 0; i < rows; i++) {
      valid[i] = nullFraction <= 0 || random.nextDouble() >= nullFraction;
      if (valid[i] && validity != null) {
        validity[i >>> 3] |= (byte) (1 << (i & 7));
      }
    }
    switch (type) {
      case UTF8:
        return strings(type, keys, valid, validity, shape == Shape.TEXT);
      default:
        return fixed(type, keys, valid, validity);
    }
  }

  private static long[] keys(Shape shape, ValueType type, int rows, SplittableRandom random) {
    long[] keys = new long[rows];
    switch (shape) {
      case RANDOM:
      case TEXT: // a seed per row; sentence() turns it into words
        for (int i = 0; i < rows; i++) {
          keys[i] = random.nextLong();
        }
        break;
      case RUNS:
        for (int i = 0; i < rows; ) {
          int run = 1 + random.nextInt(Shape.MAX_RUN);
          long key = random.nextLong();
          for (int end = Math.min(rows, i + run); i < end; i++) {
            keys[i] = key;
          }
        }
        break;
      case NARROW: {
        long base = type == ValueType.INT32 ? 1_000_000L : 1L << 40;
        for (int i = 0; i < rows; i++) {
          keys[i] = base + random.nextInt(1 << Shape.NARROW_BITS);
        }
        break;
      }
      case FEW_DISTINCT: {
        long[] pool = new long[Shape.DISTINCT];
        for (int k = 0; k < pool.length; k++) {
          pool[k] = random.nextLong();
        }
        for (int i = 0; i < rows; i++) {
          keys[i] = pool[random.nextInt(pool.length)];
        }
        break;
      }
      default:
        throw new AssertionError(shape);
    }
    return keys;
  }

  private static ColumnValues fixed(ValueType type, long[] keys, boolean[] valid, byte[] validity) {
    int width = type.layout().byteWidth();
    ByteBuffer data = ByteBuffer.allocate(keys.length * width).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < keys.length; i++) {
      long key = valid[i] ? keys[i] : 0;
      switch (type) {
        case INT32:
          data.putInt((int) key);
          break;
        case INT64:
          data.putLong(key);
          break;
        case DOUBLE:
          data.putDouble(valid[i] ? Math.floorMod(key, 100_000_000L) / 100.0 : 0.0);
          break;
        default:
          throw new AssertionError(type);
      }
    }
    return new ColumnValues(type.layout(), type.kind(), keys.length, validity, data.array(), null);
  }

  private static ColumnValues strings(ValueType type, long[] keys, boolean[] valid, byte[] validity, boolean text) {
    int[] offsets = new int[keys.length + 1];
    ByteArrayOutputStream data = new ByteArrayOutputStream(keys.length * 14);
    for (int i = 0; i < keys.length; i++) {
      if (valid[i]) {
        byte[] bytes = (text ? sentence(keys[i]) : word(keys[i])).getBytes(StandardCharsets.UTF_8);
        data.write(bytes, 0, bytes.length);
      }
      offsets[i + 1] = data.size();
    }
    return new ColumnValues(type.layout(), type.kind(), keys.length, validity, data.toByteArray(), offsets);
  }

  private static final int VOCABULARY = 2000;

  /** 3 to 8 words of a fixed 2,000-word vocabulary, determined by the key. */
  static String sentence(long key) {
    SplittableRandom words = new SplittableRandom(key);
    StringBuilder s = new StringBuilder();
    for (int k = 3 + words.nextInt(6); k > 0; k--) {
      s.append(word(words.nextInt(VOCABULARY) * 0x9E3779B97F4A7C15L)).append(k > 1 ? " " : "");
    }
    return s.toString();
  }

  /** 4 to 24 lower-case letters determined by the key. */
  static String word(long key) {
    SplittableRandom letters = new SplittableRandom(key);
    char[] chars = new char[4 + letters.nextInt(21)];
    for (int k = 0; k < chars.length; k++) {
      chars[k] = (char) ('a' + letters.nextInt(26));
    }
    return new String(chars);
  }
}
