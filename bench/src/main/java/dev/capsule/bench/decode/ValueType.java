package dev.capsule.bench.decode;

import dev.capsule.decoders.ValueKind;
import dev.capsule.format.PhysicalLayout;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/** The column types of the decode benchmarks. */
public enum ValueType {
  INT32(new ArrowType.Int(32, true)),
  INT64(new ArrowType.Int(64, true)),
  DOUBLE(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
  UTF8(ArrowType.Utf8.INSTANCE);

  private final ArrowType arrowType;

  ValueType(ArrowType arrowType) {
    this.arrowType = arrowType;
  }

  public ArrowType arrowType() {
    return arrowType;
  }

  public PhysicalLayout layout() {
    return PhysicalLayout.of(arrowType);
  }

  public ValueKind kind() {
    return ValueKind.of(arrowType);
  }

  /** A column of this type; nullable so that test data may hold nulls. */
  public Field field() {
    return new Field(name().toLowerCase(java.util.Locale.ROOT), FieldType.nullable(arrowType), null);
  }

  public static ValueType parse(String name) {
    return valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }
}
