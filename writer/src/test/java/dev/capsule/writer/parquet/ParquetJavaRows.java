package dev.capsule.writer.parquet;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/**
 * The oracle of the fidelity test: the rows parquet-java's record API ({@link GroupReadSupport})
 * assembles from a file, and the bytes each value must have in Arrow, computed here with
 * BigInteger and java.nio rather than by the converter's code, so the two cannot share a mistake.
 */
final class ParquetJavaRows {
  private static final BigInteger JULIAN_EPOCH_DAY = BigInteger.valueOf(2_440_588L);
  private static final BigInteger NANOS_PER_DAY = BigInteger.valueOf(86_400_000_000_000L);

  private ParquetJavaRows() {}

  /** Every row of the file, through parquet-java's record assembly. */
  static List<Group> read(Path file) throws IOException {
    List<Group> rows = new ArrayList<>();
    try (ParquetReader<Group> reader = new ParquetReader.Builder<Group>(new LocalInputFile(file)) {
      @Override
      protected ReadSupport<Group> getReadSupport() {
        return new GroupReadSupport();
      }
    }.build()) {
      Group row;
      while ((row = reader.read()) != null) {
        rows.add(row);
      }
    }
    return rows;
  }

  /**
   * What the Arrow value of a non-null field must hold: its little-endian value bytes for
   * fixed-width types, the bytes themselves for utf8/binary, {0} or {1} for booleans.
   */
  static byte[] expectedBytes(Group row, int field, PrimitiveType type, Int96Unit int96) {
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    switch (type.getPrimitiveTypeName()) {
      case BOOLEAN:
        return new byte[] {(byte) (row.getBoolean(field, 0) ? 1 : 0)};
      case INT32: {
        int v = row.getInteger(field, 0);
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
          return decimal(BigInteger.valueOf(v), (LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) logical);
        }
        int width = logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation
            ? ((LogicalTypeAnnotation.IntLogicalTypeAnnotation) logical).getBitWidth() / 8 : 4;
        return littleEndian(BigInteger.valueOf(v), width, true);
      }
      case INT64: {
        long v = row.getLong(field, 0);
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
          return decimal(BigInteger.valueOf(v), (LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) logical);
        }
        return littleEndian(BigInteger.valueOf(v), 8, true);
      }
      case INT96: {
        ByteBuffer b = row.getInt96(field, 0).toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        BigInteger nanosOfDay = BigInteger.valueOf(b.getLong(b.position()));
        if (int96 == Int96Unit.RAW) {
          return row.getInt96(field, 0).getBytes();
        }
        BigInteger julianDay = BigInteger.valueOf(b.getInt(b.position() + 8));
        BigInteger nanos = julianDay.subtract(JULIAN_EPOCH_DAY).multiply(NANOS_PER_DAY).add(nanosOfDay);
        BigInteger[] units = nanos.divideAndRemainder(BigInteger.valueOf(int96.nanos));
        if (units[1].signum() != 0 || units[0].bitLength() > 63) {
          throw new AssertionError("INT96 value " + nanos + " ns does not fit " + int96);
        }
        return littleEndian(units[0], 8, true);
      }
      case FLOAT:
        return littleEndian(BigInteger.valueOf(Float.floatToRawIntBits(row.getFloat(field, 0))), 4, true);
      case DOUBLE:
        return littleEndian(BigInteger.valueOf(Double.doubleToRawLongBits(row.getDouble(field, 0))), 8, true);
      default: { // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY
        byte[] bytes = row.getBinary(field, 0).getBytes();
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
          return decimal(bytes.length == 0 ? BigInteger.ZERO : new BigInteger(bytes),
              (LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) logical);
        }
        if (logical instanceof LogicalTypeAnnotation.IntervalLogicalTypeAnnotation) {
          ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
          ByteBuffer out = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
          out.putInt(b.getInt(0)).putInt(b.getInt(4)).putLong(Integer.toUnsignedLong(b.getInt(8)) * 1_000_000L);
          return out.array();
        }
        return bytes;
      }
    }
  }

  private static byte[] decimal(BigInteger unscaled, LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
    return littleEndian(unscaled, decimal.getPrecision() <= 38 ? 16 : 32, true);
  }

  /** The low {@code width} bytes of a two's-complement value, little-endian, sign-extended. */
  static byte[] littleEndian(BigInteger value, int width, boolean signed) {
    byte[] bigEndian = value.toByteArray();
    byte[] out = new byte[width];
    byte fill = value.signum() < 0 && signed ? (byte) 0xFF : 0;
    for (int i = 0; i < width; i++) {
      int from = bigEndian.length - 1 - i;
      out[i] = from >= 0 ? bigEndian[from] : fill;
    }
    return out;
  }
}
