package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.decoders.ValueKind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Seeded chunks of every layout, kind, data shape and null pattern, built row by row. */
final class TestColumns {
  private TestColumns() {}

  /** A layout with the kind of values it holds. */
  record Type(PhysicalLayout layout, ValueKind kind) {
    int width() {
      return layout.byteWidth();
    }

    /** 1-, 2-, 4- or 8-byte values: what a 64-bit load reads. */
    boolean isSmallFixed() {
      return FixedValues.isWord(layout);
    }

    /** 16- or 32-byte two's-complement integers (decimals). */
    boolean isWideInteger() {
      return kind == ValueKind.SIGNED_INTEGER && (width() == 16 || width() == 32);
    }

    @Override
    public String toString() {
      return layout + (kind == ValueKind.OPAQUE ? "" : kind == ValueKind.SIGNED_INTEGER ? "-signed" : "-unsigned");
    }
  }

  static final List<Type> TYPES = List.of(
      new Type(PhysicalLayout.BIT, ValueKind.OPAQUE),
      new Type(PhysicalLayout.FIXED1, ValueKind.SIGNED_INTEGER),
      new Type(PhysicalLayout.FIXED1, ValueKind.UNSIGNED_INTEGER),
      new Type(PhysicalLayout.FIXED2, ValueKind.SIGNED_INTEGER),
      new Type(PhysicalLayout.FIXED2, ValueKind.UNSIGNED_INTEGER),
      new Type(PhysicalLayout.FIXED4, ValueKind.SIGNED_INTEGER),
      new Type(PhysicalLayout.FIXED4, ValueKind.UNSIGNED_INTEGER),
      new Type(PhysicalLayout.FIXED4, ValueKind.OPAQUE),
      new Type(PhysicalLayout.FIXED8, ValueKind.SIGNED_INTEGER),
      new Type(PhysicalLayout.FIXED8, ValueKind.UNSIGNED_INTEGER),
      new Type(PhysicalLayout.FIXED8, ValueKind.OPAQUE),
      new Type(PhysicalLayout.fixed(3), ValueKind.OPAQUE),
      new Type(PhysicalLayout.fixed(12), ValueKind.OPAQUE),
      new Type(PhysicalLayout.FIXED16, ValueKind.OPAQUE),
      new Type(PhysicalLayout.FIXED16, ValueKind.SIGNED_INTEGER),
      new Type(PhysicalLayout.fixed(32), ValueKind.SIGNED_INTEGER),
      new Type(PhysicalLayout.fixed(32), ValueKind.OPAQUE),
      new Type(PhysicalLayout.VARIABLE, ValueKind.OPAQUE));

  enum Nulls { NONE, SOME, ALL }

  enum Shape {
    EMPTY, ONE, RUNS, RANDOM, FEW_DISTINCT,
    /** 1- to 8-byte: base + [0, 100). */
    NARROW,
    /** 1- to 8-byte: [-500, 500] as two's complement, narrow only when signed. */
    AROUND_ZERO,
    /** 1- to 8-byte: the top bit set (2^(8w-1) + small), narrow as unsigned and as signed. */
    TOP_BIT_SET,
    /** Each layout's edge values: MIN/MAX, 0, -1; empty and multibyte UTF-8 strings. */
    EXTREMES,
    /** VARIABLE: every value empty. */
    EMPTY_VALUES,
    /** VARIABLE: multibyte UTF-8 strings, few distinct. */
    UTF8;

    boolean appliesTo(Type type) {
      switch (this) {
        case NARROW:
        case AROUND_ZERO:
          return type.isSmallFixed() || type.isWideInteger();
        case TOP_BIT_SET:
          return type.isSmallFixed();
        case EMPTY_VALUES:
        case UTF8:
          return type.layout() == PhysicalLayout.VARIABLE;
        default:
          return true;
      }
    }
  }

  private static final String[] STRINGS = {"", "a", "é", "日本語", "😀 emoji", "Zürich", "\0nul", "x".repeat(300)};

  /** The chunk, or null when the shape means nothing for the type. */
  static ColumnValues build(Type type, Shape shape, Nulls nulls, long seed) {
    if (!shape.appliesTo(type)) {
      return null;
    }
    Random random = new Random(seed);
    int n = shape == Shape.EMPTY ? 0 : shape == Shape.ONE ? 1 : 1000 + random.nextInt(600);
    List<byte[]> rows = new ArrayList<>(n);
    byte[][] few = new byte[5][];
    for (int i = 0; i < few.length; i++) {
      few[i] = randomValue(type, random);
    }
    long base = random.nextLong();
    byte[] current = randomValue(type, random);
    for (int i = 0; i < n; i++) {
      switch (shape) {
        case RUNS:
          if (random.nextInt(100) == 0) {
            current = randomValue(type, random);
          }
          rows.add(current);
          break;
        case FEW_DISTINCT:
          rows.add(few[random.nextInt(few.length)]);
          break;
        case NARROW:
          rows.add(le(base + random.nextInt(100), type.width()));
          break;
        case AROUND_ZERO:
          rows.add(le(random.nextInt(1001) - 500, type.width()));
          break;
        case TOP_BIT_SET: {
          long top = 1L << (8 * type.width() - 1);
          int spread = type.width() == 8 ? 1000 : (int) Math.min(1000, top); // 1L << 63 is negative
          rows.add(le(top + random.nextInt(spread), type.width()));
          break;
        }
        case EXTREMES:
          rows.add(extreme(type, i, random));
          break;
        case EMPTY_VALUES:
          rows.add(new byte[0]);
          break;
        case UTF8:
          rows.add(STRINGS[1 + random.nextInt(STRINGS.length - 1)].getBytes(StandardCharsets.UTF_8));
          break;
        default:
          rows.add(randomValue(type, random));
      }
    }
    boolean[] isNull = new boolean[n];
    for (int i = 0; i < n; i++) {
      isNull[i] = nulls == Nulls.ALL || (nulls == Nulls.SOME && (i < 3 || (i >= 100 && i < 150) || random.nextInt(10) < 3));
    }
    return of(type, rows, isNull);
  }

  private static byte[] randomValue(Type type, Random random) {
    switch (type.layout().kind()) {
      case BIT:
        return new byte[] {(byte) random.nextInt(2)};
      case VARIABLE: {
        byte[] value = new byte[random.nextInt(20)];
        random.nextBytes(value);
        return value;
      }
      default: {
        byte[] value = new byte[type.width()];
        random.nextBytes(value);
        return value;
      }
    }
  }

  private static byte[] extreme(Type type, int row, Random random) {
    switch (type.layout().kind()) {
      case BIT:
        return new byte[] {(byte) (row % 3 == 0 ? 1 : 0)};
      case VARIABLE:
        return STRINGS[row % STRINGS.length].getBytes(StandardCharsets.UTF_8);
      default: {
        if (type.isSmallFixed()) {
          int bits = 8 * type.width();
          long min = bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
          long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
          long[] picks = {min, max, 0, -1, 1, min + 1, max - 1, random.nextLong()};
          return le(picks[row % picks.length], type.width());
        }
        byte[] value = new byte[type.width()];
        int pick = row % 4;
        if (pick == 1) {
          Arrays.fill(value, (byte) 0xFF);
        } else if (pick == 2) {
          value[type.width() - 1] = (byte) 0x80;
        } else if (pick == 3) {
          random.nextBytes(value);
        }
        return value;
      }
    }
  }

  /** The value's little-endian bytes, sign-extended beyond 8 bytes. */
  static byte[] le(long value, int width) {
    byte[] out = new byte[width];
    for (int i = 0; i < width; i++) {
      out[i] = (byte) (i < 8 ? value >>> (8 * i) : value >> 63);
    }
    return out;
  }

  /** A chunk from one byte[] per row (BIT: {0} or {1}); null rows get the zero / empty slot. */
  static ColumnValues of(Type type, List<byte[]> rows, boolean[] isNull) {
    int n = rows.size();
    byte[] validity = new byte[(n + 7) / 8];
    for (int i = 0; i < n; i++) {
      if (!isNull[i]) {
        validity[i >>> 3] |= (byte) (1 << (i & 7));
      }
    }
    switch (type.layout().kind()) {
      case BIT: {
        byte[] bits = new byte[(n + 7) / 8];
        for (int i = 0; i < n; i++) {
          if (!isNull[i] && rows.get(i)[0] == 1) {
            bits[i >>> 3] |= (byte) (1 << (i & 7));
          }
        }
        return new ColumnValues(type.layout(), type.kind(), n, validity, bits, null);
      }
      case VARIABLE: {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++) {
          if (!isNull[i]) {
            data.writeBytes(rows.get(i));
          }
          offsets[i + 1] = data.size();
        }
        return new ColumnValues(type.layout(), type.kind(), n, validity, data.toByteArray(), offsets);
      }
      default: {
        int w = type.width();
        byte[] data = new byte[n * w];
        for (int i = 0; i < n; i++) {
          if (!isNull[i]) {
            System.arraycopy(rows.get(i), 0, data, i * w, w);
          }
        }
        return new ColumnValues(type.layout(), type.kind(), n, validity, data, null);
      }
    }
  }

  /** Convenience: a chunk without nulls. */
  static ColumnValues of(Type type, List<byte[]> rows) {
    return of(type, rows, new boolean[rows.size()]);
  }

  /** Row {@code row}'s value bytes (BIT: one byte, 0 or 1). */
  static byte[] value(ColumnValues values, int row) {
    switch (values.layout().kind()) {
      case BIT:
        return new byte[] {(byte) ((values.data()[row >>> 3] >>> (row & 7)) & 1)};
      case VARIABLE:
        return Arrays.copyOfRange(values.data(), values.offsets()[row], values.offsets()[row + 1]);
      default: {
        int w = values.layout().byteWidth();
        return Arrays.copyOfRange(values.data(), row * w, row * w + w);
      }
    }
  }
}
