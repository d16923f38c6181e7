package dev.capsule.writer.parquet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The second oracle: hyparquet's expected rows ({@code X.json} beside {@code X.parquet}), written by
 * a JavaScript reader, so values come as JavaScript sees them - numbers as doubles, timestamps as
 * ISO strings with milliseconds, NaN as null, binary as a string when it is UTF-8 and as a list of
 * bytes otherwise, geometries decoded to GeoJSON. {@link #matches} compares a Capsule value with
 * that form as exactly as the form allows; forms that cannot be compared at all (GeoJSON) are
 * reported as such, never counted as matches.
 */
final class HyparquetRows {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  enum Outcome { MATCH, MISMATCH, NOT_COMPARABLE }

  private HyparquetRows() {}

  static JsonNode read(Path json) throws IOException {
    return JSON.readTree(json.toFile());
  }

  /**
   * @param value the Capsule value's bytes as {@link ParquetJavaRows#expectedBytes} gives them,
   *     null for a null value
   */
  static Outcome matches(Field field, byte[] value, JsonNode expected) {
    if (expected == null || expected.isNull()) {
      return value == null || isNaN(field, value) ? Outcome.MATCH : Outcome.MISMATCH;
    }
    if (value == null) {
      return Outcome.MISMATCH;
    }
    ArrowType type = field.getType();
    switch (type.getTypeID()) {
      case Bool:
        return of(expected.isBoolean() && expected.booleanValue() == (value[0] == 1));
      case Int: {
        BigInteger actual = integer(value, ((ArrowType.Int) type).getIsSigned());
        return of(expected.isIntegralNumber() && expected.bigIntegerValue().equals(actual));
      }
      case FloatingPoint: // JavaScript prints the shortest decimal that reads back as the same double
        return of(expected.isNumber() && expected.doubleValue() == floating(value));
      case Decimal: {
        BigDecimal actual = new BigDecimal(integer(value, true), ((ArrowType.Decimal) type).getScale());
        // hyparquet computes decimals in JavaScript floating point (unscaled * 10^-scale, two roundings:
        // 1003858 with scale 3 prints as 1003.8580000000001), so only the first 15 digits can agree.
        if (!expected.isNumber()) {
          return Outcome.MISMATCH;
        }
        BigDecimal difference = expected.decimalValue().subtract(actual).abs();
        BigDecimal tolerance = actual.abs().max(BigDecimal.ONE).multiply(new BigDecimal("1e-15"));
        return of(difference.compareTo(tolerance) <= 0);
      }
      case Date:
        return of(expected.isTextual() && LocalDate.parse(expected.textValue().substring(0, 10)).toEpochDay()
            == integer(value, true).longValue());
      case Timestamp: {
        long millis = toMillis(integer(value, true).longValue(), ((ArrowType.Timestamp) type).getUnit());
        if (expected.isTextual()) {
          return of(Instant.parse(expected.textValue()).toEpochMilli() == millis);
        }
        return of(expected.isIntegralNumber() && expected.longValue() == integer(value, true).longValue());
      }
      case Utf8:
        return of(expected.isTextual() && expected.textValue().equals(new String(value, StandardCharsets.UTF_8)));
      case Binary:
      case FixedSizeBinary:
        return bytes(field, value, expected);
      default:
        return Outcome.NOT_COMPARABLE;
    }
  }

  private static Outcome bytes(Field field, byte[] value, JsonNode expected) {
    if (expected.isArray()) {
      if (expected.size() != value.length) {
        return Outcome.MISMATCH;
      }
      for (int i = 0; i < value.length; i++) {
        if (!expected.get(i).isIntegralNumber() || expected.get(i).intValue() != (value[i] & 0xFF)) {
          return Outcome.MISMATCH;
        }
      }
      return Outcome.MATCH;
    }
    if (expected.isTextual()) {
      if ("arrow.uuid".equals(field.getMetadata().get("ARROW:extension:name"))) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(value);
        return of(new UUID(b.getLong(), b.getLong()).toString().equals(expected.textValue()));
      }
      try {
        String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(value)).toString();
        return of(text.equals(expected.textValue()));
      } catch (CharacterCodingException e) {
        return Outcome.MISMATCH;
      }
    }
    return Outcome.NOT_COMPARABLE; // a geometry decoded to GeoJSON, say
  }

  private static boolean isNaN(Field field, byte[] value) {
    return field.getType() instanceof ArrowType.FloatingPoint && Double.isNaN(floating(value));
  }

  private static double floating(byte[] value) {
    long bits = integer(value, false).longValue();
    switch (value.length) {
      case 2:
        return org.apache.arrow.memory.util.Float16.toFloat((short) bits);
      case 4:
        return Float.intBitsToFloat((int) bits);
      default:
        return Double.longBitsToDouble(bits);
    }
  }

  /** A little-endian two's-complement (or unsigned) integer. */
  private static BigInteger integer(byte[] littleEndian, boolean signed) {
    byte[] bigEndian = new byte[littleEndian.length];
    for (int i = 0; i < littleEndian.length; i++) {
      bigEndian[i] = littleEndian[littleEndian.length - 1 - i];
    }
    return signed ? new BigInteger(bigEndian) : new BigInteger(1, bigEndian);
  }

  private static long toMillis(long value, org.apache.arrow.vector.types.TimeUnit unit) {
    switch (unit) {
      case SECOND:
        return value * 1000;
      case MILLISECOND:
        return value;
      case MICROSECOND:
        return Math.floorDiv(value, 1000);
      default:
        return Math.floorDiv(value, 1_000_000);
    }
  }

  private static Outcome of(boolean match) {
    return match ? Outcome.MATCH : Outcome.MISMATCH;
  }
}
