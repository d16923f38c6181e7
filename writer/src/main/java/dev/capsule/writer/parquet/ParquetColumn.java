package dev.capsule.writer.parquet;

import dev.capsule.format.PhysicalLayout;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * One flat Parquet column and the Arrow field it becomes, with the code that moves its values into
 * an Arrow vector. The mapping (README, "Parquet conversion"):
 *
 * <ul>
 *   <li>BOOLEAN → bool; FLOAT, DOUBLE → float32, float64; FLBA(2) FLOAT16 → float16
 *   <li>INT32 / INT64 → int32 / int64, or per annotation: INT(bits, signed) → that integer (unsigned
 *       kept unsigned), DATE → date32, TIME(MILLIS) → time32[ms], TIME(MICROS, NANOS) → time64,
 *       TIMESTAMP(unit, utc) → timestamp[unit] with zone "UTC" when adjusted to UTC, none otherwise
 *   <li>INT96 → timestamp[ns] (or the unit the options say), converted from Julian day + nanoseconds;
 *       or its 12 bytes as fixed_size_binary(12) with {@link Int96Unit#RAW}
 *   <li>DECIMAL on INT32, INT64, FLBA or BYTE_ARRAY → decimal128, or decimal256 above precision 38
 *   <li>BYTE_ARRAY: STRING, ENUM, JSON → utf8 (checked to be UTF-8); anything else → binary
 *   <li>FLBA(w): UUID → fixed_size_binary(16) marked as the canonical extension {@code arrow.uuid};
 *       INTERVAL → interval[month_day_nano]; anything else → fixed_size_binary(w)
 * </ul>
 *
 * A value the Arrow type cannot hold exactly is an error, never truncated: INT(8) and INT(16)
 * values outside their range, decimals with more digits than their precision, fixed-width values
 * of another length than the column declares.
 *
 * Nested columns (lists, maps, structs, repeated fields) are refused: Capsule 1.x stores flat
 * columns only.
 */
final class ParquetColumn {
  /** Julian day number of 1970-01-01, the epoch INT96 days count from. */
  private static final long JULIAN_EPOCH_DAY = 2_440_588L;
  private static final long NANOS_PER_DAY = 86_400_000_000_000L;

  /** 10^0 to 10^18: an int32- or int64-backed DECIMAL(p) holds unscaled values below 10^p. */
  private static final long[] POWERS_OF_TEN = new long[19];

  static {
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }

  private final ColumnDescriptor descriptor;
  private final Field field;
  private final Copier copier;

  /** Moves the current (non-null) value of a column reader into row {@code row} of a vector. */
  @FunctionalInterface
  interface Copier {
    void copy(ColumnReader reader, FieldVector vector, int row);
  }

  private ParquetColumn(ColumnDescriptor descriptor, Field field, Copier copier) {
    this.descriptor = descriptor;
    this.field = field;
    this.copier = copier;
  }

  ColumnDescriptor descriptor() {
    return descriptor;
  }

  Field field() {
    return field;
  }

  String name() {
    return field.getName();
  }

  /** Whether the values go to a variable-width vector (utf8, binary), whose data grows with them. */
  boolean isVariableWidth() {
    return PhysicalLayout.of(field.getType()) == PhysicalLayout.VARIABLE;
  }

  /**
   * Copies {@code count} rows from the reader into rows [0, count) of a fixed-width vector, whose
   * buffers already hold room for them. Variable-width columns go value by value, {@link #copyOne}.
   */
  void copy(ColumnReader reader, FieldVector vector, int count) {
    int maxDefinition = descriptor.getMaxDefinitionLevel();
    ArrowBuf validity = vector.getValidityBuffer(); // the copiers write data only
    int row = 0;
    try {
      for (; row < count; row++) {
        if (reader.getCurrentDefinitionLevel() == maxDefinition) {
          copier.copy(reader, vector, row);
          BitVectorHelper.setBit(validity, row);
        }
        reader.consume();
      }
    } catch (RuntimeException e) {
      throw new CopyFailure(row, e);
    }
  }

  /**
   * The length in bytes of the reader's current value, 0 for a null, without moving on: a batch of
   * variable-width values ends before a value its data has no room for.
   */
  int currentLength(ColumnReader reader, int row) {
    try {
      return reader.getCurrentDefinitionLevel() == descriptor.getMaxDefinitionLevel() ? reader.getBinary().length() : 0;
    } catch (RuntimeException e) {
      throw new CopyFailure(row, e);
    }
  }

  /** Copies the reader's current value into row {@code row} of a variable-width vector and moves on. */
  void copyOne(ColumnReader reader, BaseVariableWidthVector vector, int row) {
    try {
      if (reader.getCurrentDefinitionLevel() == descriptor.getMaxDefinitionLevel()) {
        copier.copy(reader, vector, row); // setSafe marks the row valid
      }
      reader.consume();
    } catch (RuntimeException e) {
      throw new CopyFailure(row, e);
    }
  }

  /** A value could not be read or copied; {@code row} is its row in the batch. */
  static final class CopyFailure extends RuntimeException {
    final int row;

    CopyFailure(int row, RuntimeException cause) {
      super(cause.getMessage(), cause, false, false);
      this.row = row;
    }
  }

  /**
   * The mapping of one top-level Parquet field.
   *
   * @param file for messages
   * @throws ParquetInputException if the field is nested, repeated, or of a type Capsule cannot hold
   */
  static ParquetColumn of(String file, Type type, ColumnDescriptor descriptor, Int96Unit int96)
      throws ParquetInputException {
    String where = ParquetInputException.where(file, -1, type.getName());
    if (!type.isPrimitive()) {
      LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
      throw new ParquetInputException(where, "nested " + (logical == null ? "group" : logical + " group")
          + " columns are not supported: Capsule 1.x stores flat columns only");
    }
    if (type.isRepetition(Type.Repetition.REPEATED)) {
      throw new ParquetInputException(where, "repeated columns (lists without a LIST annotation) are not "
          + "supported: Capsule 1.x stores flat columns only");
    }
    PrimitiveType primitive = type.asPrimitiveType();
    Mapping mapping = map(primitive, int96, where);
    boolean nullable = !type.isRepetition(Type.Repetition.REQUIRED);
    FieldType fieldType = new FieldType(nullable, mapping.arrow, null, mapping.metadata);
    Field field = new Field(type.getName(), fieldType, null);
    try {
      PhysicalLayout.of(mapping.arrow);
    } catch (IllegalArgumentException e) {
      throw new ParquetInputException(where, e.getMessage());
    }
    return new ParquetColumn(descriptor, field, mapping.copier);
  }

  private record Mapping(ArrowType arrow, Copier copier, Map<String, String> metadata) {
    Mapping(ArrowType arrow, Copier copier) {
      this(arrow, copier, null);
    }
  }

  private static Mapping map(PrimitiveType type, Int96Unit int96, String where) throws ParquetInputException {
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    switch (type.getPrimitiveTypeName()) {
      case BOOLEAN:
        return new Mapping(ArrowType.Bool.INSTANCE,
            (r, v, row) -> setBit(v, row, r.getBoolean()));
      case FLOAT:
        return new Mapping(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE),
            (r, v, row) -> v.getDataBuffer().setFloat(4L * row, r.getFloat()));
      case DOUBLE:
        return new Mapping(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE),
            (r, v, row) -> v.getDataBuffer().setDouble(8L * row, r.getDouble()));
      case INT32:
        return mapInt32(logical, where);
      case INT64:
        return mapInt64(logical, where);
      case INT96:
        if (int96 == Int96Unit.RAW) {
          return new Mapping(new ArrowType.FixedSizeBinary(12), fixedCopier(12));
        }
        return new Mapping(new ArrowType.Timestamp(int96.unit, null), int96Copier(int96));
      case BINARY: // BYTE_ARRAY
        return mapByteArray(logical, where);
      case FIXED_LEN_BYTE_ARRAY:
        return mapFixed(type.getTypeLength(), logical, where);
      default:
        throw new ParquetInputException(where, "unknown Parquet type " + type);
    }
  }

  private static Mapping mapInt32(LogicalTypeAnnotation logical, String where) throws ParquetInputException {
    if (logical == null) {
      return new Mapping(new ArrowType.Int(32, true), ParquetColumn::copyInt32);
    }
    if (logical instanceof IntLogicalTypeAnnotation) {
      IntLogicalTypeAnnotation integer = (IntLogicalTypeAnnotation) logical;
      int bits = integer.getBitWidth();
      ArrowType arrow = new ArrowType.Int(bits, integer.isSigned());
      switch (bits) {
        case 8:
        case 16:
          return narrowInt(arrow, integer);
        case 32:
          return new Mapping(arrow, ParquetColumn::copyInt32);
        default:
          break;
      }
    } else if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
      return new Mapping(new ArrowType.Date(DateUnit.DAY), ParquetColumn::copyInt32);
    } else if (logical instanceof TimeLogicalTypeAnnotation
        && ((TimeLogicalTypeAnnotation) logical).getUnit() == LogicalTypeAnnotation.TimeUnit.MILLIS) {
      return new Mapping(new ArrowType.Time(TimeUnit.MILLISECOND, 32), ParquetColumn::copyInt32);
    } else if (logical instanceof DecimalLogicalTypeAnnotation) {
      return decimal((DecimalLogicalTypeAnnotation) logical, (r, v, row, target) -> setDecimal(v, row, r.getInteger(), target), where);
    }
    throw unsupported(where, "INT32", logical);
  }

  /**
   * INT(8) and INT(16), which INT32 stores in 32 bits: a value outside the declared width is an
   * error, not truncated.
   */
  private static Mapping narrowInt(ArrowType arrow, IntLogicalTypeAnnotation type) {
    int bits = type.getBitWidth();
    int min = type.isSigned() ? -(1 << (bits - 1)) : 0;
    int max = type.isSigned() ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    if (bits == 8) {
      return new Mapping(arrow, (r, v, row) -> v.getDataBuffer().setByte(row, narrow(r.getInteger(), min, max, type)));
    }
    return new Mapping(arrow, (r, v, row) -> v.getDataBuffer().setShort(2L * row, narrow(r.getInteger(), min, max, type)));
  }

  private static Mapping mapInt64(LogicalTypeAnnotation logical, String where) throws ParquetInputException {
    if (logical == null) {
      return new Mapping(new ArrowType.Int(64, true), ParquetColumn::copyInt64);
    }
    if (logical instanceof IntLogicalTypeAnnotation && ((IntLogicalTypeAnnotation) logical).getBitWidth() == 64) {
      return new Mapping(new ArrowType.Int(64, ((IntLogicalTypeAnnotation) logical).isSigned()), ParquetColumn::copyInt64);
    }
    if (logical instanceof TimeLogicalTypeAnnotation) {
      TimeUnit unit = unit(((TimeLogicalTypeAnnotation) logical).getUnit());
      if (unit != TimeUnit.MILLISECOND) {
        return new Mapping(new ArrowType.Time(unit, 64), ParquetColumn::copyInt64);
      }
    } else if (logical instanceof TimestampLogicalTypeAnnotation) {
      TimestampLogicalTypeAnnotation timestamp = (TimestampLogicalTypeAnnotation) logical;
      return new Mapping(new ArrowType.Timestamp(unit(timestamp.getUnit()), timestamp.isAdjustedToUTC() ? "UTC" : null),
          ParquetColumn::copyInt64);
    } else if (logical instanceof DecimalLogicalTypeAnnotation) {
      return decimal((DecimalLogicalTypeAnnotation) logical, (r, v, row, target) -> setDecimal(v, row, r.getLong(), target), where);
    }
    throw unsupported(where, "INT64", logical);
  }

  private static Mapping mapByteArray(LogicalTypeAnnotation logical, String where) throws ParquetInputException {
    if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
        || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
        || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
      return new Mapping(ArrowType.Utf8.INSTANCE, (r, v, row) -> {
        Binary value = r.getBinary();
        ByteBuffer bytes = value.toByteBuffer();
        if (!Utf8Check.isValid(bytes)) {
          throw new IllegalStateException("value is not valid UTF-8, though the column is annotated " + logical);
        }
        ((BaseVariableWidthVector) v).setSafe(row, bytes, bytes.position(), bytes.remaining());
      });
    }
    if (logical instanceof DecimalLogicalTypeAnnotation) {
      return decimal((DecimalLogicalTypeAnnotation) logical,
          (r, v, row, target) -> setDecimal(v, row, r.getBinary().toByteBuffer(), target), where);
    }
    // No annotation, BSON, GEOMETRY, GEOGRAPHY, and annotations this parquet-java does not know.
    return new Mapping(ArrowType.Binary.INSTANCE, ParquetColumn::copyVariable);
  }

  private static Mapping mapFixed(int width, LogicalTypeAnnotation logical, String where) throws ParquetInputException {
    if (logical instanceof DecimalLogicalTypeAnnotation) {
      return decimal((DecimalLogicalTypeAnnotation) logical,
          (r, v, row, target) -> setDecimal(v, row, fixedValue(r, width), target), where);
    }
    if (logical instanceof LogicalTypeAnnotation.Float16LogicalTypeAnnotation && width == 2) {
      // Parquet stores FLOAT16 little-endian, as Arrow does.
      return new Mapping(new ArrowType.FloatingPoint(FloatingPointPrecision.HALF), fixedCopier(2));
    }
    if (logical instanceof LogicalTypeAnnotation.IntervalLogicalTypeAnnotation && width == 12) {
      return new Mapping(new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO), ParquetColumn::copyInterval);
    }
    if (width < 1 || width > PhysicalLayout.MAX_FIXED_WIDTH) {
      throw new ParquetInputException(where, "FIXED_LEN_BYTE_ARRAY(" + width + ") is wider than the "
          + PhysicalLayout.MAX_FIXED_WIDTH + " bytes of Capsule's widest fixed-width layout");
    }
    if (logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation && width == 16) {
      // The canonical extension type arrow.uuid, in the form Arrow IPC stores it: its storage type
      // with the extension's name in the field metadata.
      return new Mapping(new ArrowType.FixedSizeBinary(16), fixedCopier(16),
          Map.of("ARROW:extension:name", "arrow.uuid", "ARROW:extension:metadata", ""));
    }
    return new Mapping(new ArrowType.FixedSizeBinary(width), fixedCopier(width));
  }

  /** Writes an unscaled decimal value into a decimal vector. */
  private interface DecimalCopier {
    void copy(ColumnReader reader, FieldVector vector, int row, DecimalTarget target);
  }

  /**
   * The decimal a column's values become: {@code width} bytes per value in the vector, and at most
   * {@code precision} digits, that is unscaled values of magnitude below {@code limit} = 10^precision.
   */
  private record DecimalTarget(int width, int precision, int scale, BigInteger limit) {
    DecimalTarget(int width, int precision, int scale) {
      this(width, precision, scale, BigInteger.TEN.pow(precision));
    }

    IllegalStateException tooManyDigits(BigInteger unscaled) {
      return new IllegalStateException("decimal " + new BigDecimal(unscaled, scale).toPlainString() + " has more than "
          + precision + " digits, the precision of the column's DECIMAL(" + precision + ", " + scale + ")");
    }
  }

  private static Mapping decimal(DecimalLogicalTypeAnnotation decimal, DecimalCopier copier, String where)
      throws ParquetInputException {
    int precision = decimal.getPrecision();
    if (precision < 1 || precision > 76) {
      throw new ParquetInputException(where, "DECIMAL(" + precision + ", " + decimal.getScale()
          + "): Arrow decimals hold a precision of 1 to 76 digits");
    }
    int bits = precision <= 38 ? 128 : 256;
    DecimalTarget target = new DecimalTarget(bits / 8, precision, decimal.getScale());
    return new Mapping(new ArrowType.Decimal(precision, decimal.getScale(), bits),
        (r, v, row) -> copier.copy(r, v, row, target));
  }

  private static ParquetInputException unsupported(String where, String physical, LogicalTypeAnnotation logical) {
    return new ParquetInputException(where, physical + " annotated " + logical + " has no Arrow type Capsule stores");
  }

  private static TimeUnit unit(LogicalTypeAnnotation.TimeUnit unit) {
    switch (unit) {
      case MILLIS:
        return TimeUnit.MILLISECOND;
      case MICROS:
        return TimeUnit.MICROSECOND;
      default:
        return TimeUnit.NANOSECOND;
    }
  }

  // ---- copiers ----

  private static void copyInt32(ColumnReader r, FieldVector v, int row) {
    v.getDataBuffer().setInt(4L * row, r.getInteger());
  }

  private static void copyInt64(ColumnReader r, FieldVector v, int row) {
    v.getDataBuffer().setLong(8L * row, r.getLong());
  }

  private static void copyVariable(ColumnReader r, FieldVector v, int row) {
    ByteBuffer bytes = r.getBinary().toByteBuffer();
    ((BaseVariableWidthVector) v).setSafe(row, bytes, bytes.position(), bytes.remaining());
  }

  /** Copies values of the column's declared width into a vector of that width. */
  private static Copier fixedCopier(int width) {
    return (r, v, row) -> v.getDataBuffer().setBytes((long) width * row, fixedValue(r, width));
  }

  /**
   * The current value of a fixed-width column, checked to have the declared width: parquet-java
   * does not check the lengths of DELTA_BYTE_ARRAY values, and a value of another length would
   * be cut short or spill into its neighbours.
   */
  private static ByteBuffer fixedValue(ColumnReader r, int width) {
    ByteBuffer bytes = r.getBinary().toByteBuffer();
    if (bytes.remaining() != width) {
      throw new IllegalStateException("value of " + bytes.remaining() + " bytes in a column of " + width
          + "-byte values");
    }
    return bytes;
  }

  /** An INT(8) or INT(16) value, checked to lie in [min, max]. */
  private static int narrow(int value, int min, int max, IntLogicalTypeAnnotation type) {
    if (value < min || value > max) {
      throw new IllegalStateException("value " + value + " is outside the range of " + type + ", " + min + " to " + max);
    }
    return value;
  }

  private static void setBit(FieldVector v, int row, boolean value) {
    BitVectorHelper.setValidityBit(v.getDataBuffer(), row, value ? 1 : 0);
  }

  /** Parquet INTERVAL: u32 months, u32 days, u32 milliseconds → i32 months, i32 days, i64 ns. */
  private static void copyInterval(ColumnReader r, FieldVector v, int row) {
    ByteBuffer bytes = fixedValue(r, 12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int at = bytes.position();
    long months = Integer.toUnsignedLong(bytes.getInt(at));
    long days = Integer.toUnsignedLong(bytes.getInt(at + 4));
    long millis = Integer.toUnsignedLong(bytes.getInt(at + 8));
    if (months > Integer.MAX_VALUE || days > Integer.MAX_VALUE) {
      throw new IllegalStateException("interval of " + months + " months, " + days + " days does not fit Arrow's signed 32-bit fields");
    }
    ArrowBuf data = v.getDataBuffer();
    data.setInt(16L * row, (int) months);
    data.setInt(16L * row + 4, (int) days);
    data.setLong(16L * row + 8, millis * 1_000_000L);
  }

  /**
   * Writes a big-endian two's-complement unscaled value (any length) into a little-endian decimal,
   * sign-extended, after checking that it has no more digits than the precision.
   */
  private static void setDecimal(FieldVector v, int row, ByteBuffer bytes, DecimalTarget target) {
    int start = bytes.position();
    int length = bytes.remaining();
    int sign = length == 0 ? 0 : bytes.get(start) >> 7; // 0 or -1
    // Leading bytes that only repeat the sign carry no digits (FIXED_LEN_BYTE_ARRAY pads with them).
    while (length > 1 && bytes.get(start) == sign && bytes.get(start + 1) >> 7 == sign) {
      start++;
      length--;
    }
    if (length <= Long.BYTES) {
      long unscaled = sign;
      for (int i = 0; i < length; i++) {
        unscaled = unscaled << 8 | (bytes.get(start + i) & 0xFF);
      }
      setDecimal(v, row, unscaled, target);
      return;
    }
    byte[] magnitude = new byte[length];
    bytes.get(start, magnitude);
    BigInteger unscaled = new BigInteger(magnitude);
    if (unscaled.abs().compareTo(target.limit()) >= 0) {
      throw target.tooManyDigits(unscaled);
    }
    // Within the precision, so within the width: 10^38 < 2^127 and 10^76 < 2^255.
    ArrowBuf data = v.getDataBuffer();
    long base = (long) target.width() * row;
    for (int i = 0; i < target.width(); i++) {
      data.setByte(base + i, i < length ? magnitude[length - 1 - i] : sign);
    }
  }

  private static void setDecimal(FieldVector v, int row, long unscaled, DecimalTarget target) {
    // Any long fits 19 digits or more; below that, compare with 10^precision.
    if (target.precision() < POWERS_OF_TEN.length) {
      long limit = POWERS_OF_TEN[target.precision()];
      if (unscaled >= limit || unscaled <= -limit) {
        throw target.tooManyDigits(BigInteger.valueOf(unscaled));
      }
    }
    ArrowBuf data = v.getDataBuffer();
    long base = (long) target.width() * row;
    data.setLong(base, unscaled);
    long fill = unscaled >> 63;
    for (int i = 8; i < target.width(); i += 8) {
      data.setLong(base + i, fill);
    }
  }

  private static Copier int96Copier(Int96Unit unit) {
    return (r, v, row) -> {
      ByteBuffer bytes = fixedValue(r, 12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      long nanosOfDay = bytes.getLong(bytes.position());
      long julianDay = bytes.getInt(bytes.position() + 8); // signed, as Spark, Hive and Impala write it
      long days = julianDay - JULIAN_EPOCH_DAY;
      long unitsPerDay = NANOS_PER_DAY / unit.nanos;
      if (nanosOfDay % unit.nanos != 0) {
        throw new IllegalStateException("INT96 timestamp has " + nanosOfDay % unit.nanos
            + " ns below the " + unit.unit + " unit; convert with a finer INT96 unit");
      }
      long value;
      try {
        value = Math.addExact(Math.multiplyExact(days, unitsPerDay), nanosOfDay / unit.nanos);
      } catch (ArithmeticException e) {
        throw new IllegalStateException("INT96 timestamp (Julian day " + julianDay + ") is outside the range of a 64-bit "
            + unit.unit + " timestamp; convert with a coarser INT96 unit");
      }
      v.getDataBuffer().setLong(8L * row, value);
    };
  }
}
