package dev.capsule.cli;

import dev.capsule.format.Checksums;
import dev.capsule.format.proto.Statistics;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.apache.arrow.memory.util.Float16;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** Renders the min/max statistics of a chunk for people (SPEC.md, "Statistics values"). */
final class StatisticsText {
  private StatisticsText() {}

  static String format(Statistics stats, ArrowType type) {
    if (!stats.hasMin() || !stats.hasMax()) {
      return "";
    }
    return value(stats.getMin().toByteArray(), type) + " .. " + value(stats.getMax().toByteArray(), type);
  }

  private static String value(byte[] bytes, ArrowType type) {
    ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    switch (type.getTypeID()) {
      case Bool:
        return bytes[0] != 0 ? "true" : "false";
      case Int: {
        boolean signed = ((ArrowType.Int) type).getIsSigned();
        long v = bytes.length == 1 ? le.get() : bytes.length == 2 ? le.getShort() : bytes.length == 4 ? le.getInt() : le.getLong();
        if (!signed) {
          v = bytes.length == 8 ? v : v & ((1L << (8 * bytes.length)) - 1);
          return Long.toUnsignedString(v);
        }
        return Long.toString(v);
      }
      case Date: // date32: days; date64: milliseconds (SPEC.md section 10)
        return (bytes.length == 4 ? LocalDate.ofEpochDay(le.getInt())
            : LocalDate.ofEpochDay(Math.floorDiv(le.getLong(), 86_400_000L))).toString();
      case Time: // in the column's unit, as 4 (time32) or 8 (time64) bytes
        return Long.toString(bytes.length == 4 ? le.getInt() : le.getLong());
      case Timestamp:
      case Duration:
        return Long.toString(le.getLong());
      case FloatingPoint:
        return bytes.length == 2 ? Float.toString(Float16.toFloat(le.getShort()))
            : bytes.length == 4 ? Float.toString(le.getFloat()) : Double.toString(le.getDouble());
      case Decimal: {
        byte[] bigEndian = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
          bigEndian[i] = bytes[bytes.length - 1 - i];
        }
        return new BigDecimal(new BigInteger(bigEndian), ((ArrowType.Decimal) type).getScale()).toPlainString();
      }
      case Utf8:
        return '"' + new String(bytes, StandardCharsets.UTF_8) + '"';
      default:
        return "0x" + Checksums.hex(bytes);
    }
  }
}
