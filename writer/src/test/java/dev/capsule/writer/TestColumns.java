package dev.capsule.writer;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import java.util.UUID;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.UuidVector;
import org.apache.arrow.vector.extension.UuidType;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/** Seeded test data for every type Capsule stores, with runs, a small value pool and nulls. */
final class TestColumns {
  private TestColumns() {}

  enum Nulls { NONE, SOME, ALL }

  /** A type under test; {@code integer} says whether frame-of-reference bit-packing applies. */
  record TestType(String name, ArrowType arrow, boolean integer) {
    Field field(String column) {
      return new Field(column, FieldType.nullable(arrow), null);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Every type: those of format 1.0, then those 1.1 adds. */
  static final List<TestType> TYPES = List.of(
      new TestType("bool", ArrowType.Bool.INSTANCE, false),
      new TestType("int8", new ArrowType.Int(8, true), true),
      new TestType("int16", new ArrowType.Int(16, true), true),
      new TestType("int32", new ArrowType.Int(32, true), true),
      new TestType("int64", new ArrowType.Int(64, true), true),
      new TestType("uint64", new ArrowType.Int(64, false), true),
      new TestType("float32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), false),
      new TestType("float64", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), false),
      new TestType("utf8", ArrowType.Utf8.INSTANCE, false),
      new TestType("binary", ArrowType.Binary.INSTANCE, false),
      new TestType("date32", new ArrowType.Date(DateUnit.DAY), true),
      new TestType("timestamp_ms", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null), true),
      new TestType("timestamp_us_utc", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"), true),
      new TestType("decimal128", new ArrowType.Decimal(38, 4, 128), false),
      // Unscaled values that fit 64 bits: bit-packed like integers, sign-extended to 16 bytes.
      new TestType("decimal128_narrow", new ArrowType.Decimal(18, 2, 128), true),
      // Format 1.1
      new TestType("float16", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF), false),
      new TestType("date64", new ArrowType.Date(DateUnit.MILLISECOND), true),
      new TestType("time32_s", new ArrowType.Time(TimeUnit.SECOND, 32), true),
      new TestType("time32_ms", new ArrowType.Time(TimeUnit.MILLISECOND, 32), true),
      new TestType("time64_us", new ArrowType.Time(TimeUnit.MICROSECOND, 64), true),
      new TestType("time64_ns", new ArrowType.Time(TimeUnit.NANOSECOND, 64), true),
      new TestType("timestamp_s", new ArrowType.Timestamp(TimeUnit.SECOND, null), true),
      new TestType("timestamp_ns_utc", new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC"), true),
      new TestType("duration_us", new ArrowType.Duration(TimeUnit.MICROSECOND), true),
      new TestType("interval_ym", new ArrowType.Interval(IntervalUnit.YEAR_MONTH), false),
      new TestType("interval_dt", new ArrowType.Interval(IntervalUnit.DAY_TIME), false),
      new TestType("interval_mdn", new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO), false),
      new TestType("decimal256", new ArrowType.Decimal(76, 10, 256), false),
      new TestType("fixed3", new ArrowType.FixedSizeBinary(3), false),
      new TestType("fixed254", new ArrowType.FixedSizeBinary(254), false),
      new TestType("uuid", UuidType.INSTANCE, false));

  /** The 14 types of format 1.0 (the narrow decimal is one of them, with other values). */
  static final List<TestType> TYPES_1_0 = TYPES.subList(0, 14);

  /** The types format 1.1 adds. */
  static final List<TestType> TYPES_1_1 = TYPES.subList(15, TYPES.size());

  /**
   * A vector of {@code rows} values: runs of random length 1..8 over a pool of 40 values drawn once,
   * so that every encoding applies; nulls as requested.
   */
  static FieldVector vector(TestType type, int rows, Nulls nulls, long seed, BufferAllocator allocator) {
    return vector(type, "c", rows, nulls, seed, allocator);
  }

  /** {@link #vector(TestType, int, Nulls, long, BufferAllocator)} for the column called {@code column}. */
  static FieldVector vector(TestType type, String column, int rows, Nulls nulls, long seed, BufferAllocator allocator) {
    Random random = new Random(seed);
    FieldVector vector = type.field(column).createVector(allocator);
    vector.setInitialCapacity(rows);
    vector.allocateNew();
    long[] pool = new long[40];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = random.nextInt(2_000_001) - 1_000_000;
    }
    int row = 0;
    while (row < rows) {
      long value = pool[random.nextInt(pool.length)];
      int run = 1 + random.nextInt(8);
      for (int k = 0; k < run && row < rows; k++, row++) {
        boolean isNull = nulls == Nulls.ALL || (nulls == Nulls.SOME && random.nextInt(10) < 3);
        if (!isNull) {
          set(vector, row, value);
        }
      }
    }
    vector.setValueCount(rows);
    return vector;
  }

  private static void set(FieldVector vector, int i, long v) {
    if (vector instanceof BitVector) {
      ((BitVector) vector).setSafe(i, (v & 1) == 0 ? 1 : 0);
    } else if (vector instanceof TinyIntVector) {
      ((TinyIntVector) vector).setSafe(i, (byte) v);
    } else if (vector instanceof SmallIntVector) {
      ((SmallIntVector) vector).setSafe(i, (short) v);
    } else if (vector instanceof IntVector) {
      ((IntVector) vector).setSafe(i, (int) v);
    } else if (vector instanceof BigIntVector) {
      ((BigIntVector) vector).setSafe(i, v * 1_000_003L);
    } else if (vector instanceof UInt8Vector) {
      ((UInt8Vector) vector).setSafe(i, v + Long.MIN_VALUE); // straddles 2^63 unsigned
    } else if (vector instanceof Float4Vector) {
      ((Float4Vector) vector).setSafe(i, v == 7 ? Float.NaN : v / 3.0f);
    } else if (vector instanceof Float8Vector) {
      ((Float8Vector) vector).setSafe(i, v % 5 == 0 ? -0.0 : v / 7.0);
    } else if (vector instanceof VarCharVector) {
      String s = v % 3 == 0 ? "" : "wört-" + v + (v % 2 == 0 ? " ✓ 𝄞" : "");
      ((VarCharVector) vector).setSafe(i, s.getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof VarBinaryVector) {
      byte[] bytes = new byte[(int) Math.floorMod(v, 9)];
      for (int k = 0; k < bytes.length; k++) {
        bytes[k] = (byte) (v >> k);
      }
      ((VarBinaryVector) vector).setSafe(i, bytes);
    } else if (vector instanceof DateDayVector) {
      ((DateDayVector) vector).setSafe(i, (int) (v / 100));
    } else if (vector instanceof TimeStampMilliVector) {
      ((TimeStampMilliVector) vector).setSafe(i, 1_700_000_000_000L + v);
    } else if (vector instanceof TimeStampMicroTZVector) {
      ((TimeStampMicroTZVector) vector).setSafe(i, -v * 1_000_000L);
    } else if (vector instanceof DecimalVector) {
      DecimalVector decimal = (DecimalVector) vector;
      java.math.BigInteger unscaled = BigDecimal.valueOf(v).toBigInteger();
      decimal.setSafe(i, new BigDecimal(decimal.getPrecision() > 18 ? unscaled.shiftLeft(70) : unscaled, decimal.getScale()));
    } else if (vector instanceof Decimal256Vector) {
      ((Decimal256Vector) vector).setSafe(i, new BigDecimal(BigDecimal.valueOf(v).toBigInteger().shiftLeft(150), 10));
    } else if (vector instanceof UuidVector) {
      ((UuidVector) vector).setSafe(i, new UUID(v, ~v));
    } else if (vector instanceof BaseFixedWidthVector) {
      // Every other fixed-width type: the value's bytes spread over the width, as bit patterns.
      BaseFixedWidthVector fixed = (BaseFixedWidthVector) vector;
      int w = fixed.getTypeWidth();
      for (int k = 0; k < w; k++) {
        fixed.getDataBuffer().setByte((long) i * w + k, (byte) (v >> (8 * (k % 8)) ^ k / 8));
      }
      BitVectorHelper.setBit(fixed.getValidityBuffer(), i);
    } else {
      throw new IllegalArgumentException("no test data for " + vector.getClass());
    }
  }
}
