package dev.capsule.cli;

import dev.capsule.format.Checksums;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;

/** One value of a vector as text, the way a person expects to read it. */
final class ValueText {
  private ValueText() {}

  static void append(StringBuilder out, FieldVector vector, int row) {
    if (vector.isNull(row)) {
      out.append("null");
    } else if (vector instanceof VarCharVector) {
      out.append(((VarCharVector) vector).getObject(row));
    } else if (vector instanceof DateDayVector) {
      out.append(LocalDate.ofEpochDay(((DateDayVector) vector).get(row)));
    } else if (vector instanceof TimeStampMilliTZVector) {
      out.append(Instant.ofEpochMilli(((TimeStampMilliTZVector) vector).get(row)));
    } else if (vector instanceof TimeStampMicroTZVector) {
      long micros = ((TimeStampMicroTZVector) vector).get(row);
      out.append(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000));
    } else if (vector instanceof TimeStampMilliVector || vector instanceof TimeStampMicroVector) {
      out.append(vector.getObject(row));
    } else if (vector instanceof Float2Vector) { // getObject gives the raw 16 bits
      out.append(((Float2Vector) vector).getValueAsFloat(row));
    } else if (vector instanceof BitVector) {
      out.append(((BitVector) vector).get(row) != 0);
    } else {
      Object value = vector.getObject(row);
      if (value instanceof byte[]) { // binary, fixed-size binary
        out.append("0x").append(Checksums.hex((byte[]) value));
      } else {
        out.append(value instanceof java.math.BigDecimal ? ((java.math.BigDecimal) value).toPlainString() : value);
      }
    }
  }
}
