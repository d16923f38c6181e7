package dev.capsule.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;

class PhysicalLayoutTest {
  @Test
  void mapsEverySupportedType() {
    assertEquals(PhysicalLayout.BIT, PhysicalLayout.of(ArrowType.Bool.INSTANCE));
    assertEquals(PhysicalLayout.FIXED1, PhysicalLayout.of(new ArrowType.Int(8, true)));
    assertEquals(PhysicalLayout.FIXED2, PhysicalLayout.of(new ArrowType.Int(16, false)));
    assertEquals(PhysicalLayout.FIXED4, PhysicalLayout.of(new ArrowType.Int(32, true)));
    assertEquals(PhysicalLayout.FIXED8, PhysicalLayout.of(new ArrowType.Int(64, true)));
    assertEquals(PhysicalLayout.FIXED4, PhysicalLayout.of(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
    assertEquals(PhysicalLayout.FIXED8, PhysicalLayout.of(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
    assertEquals(PhysicalLayout.FIXED4, PhysicalLayout.of(new ArrowType.Date(DateUnit.DAY)));
    assertEquals(PhysicalLayout.FIXED8, PhysicalLayout.of(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")));
    assertEquals(PhysicalLayout.FIXED8, PhysicalLayout.of(new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)));
    assertEquals(PhysicalLayout.FIXED16, PhysicalLayout.of(new ArrowType.Decimal(38, 10, 128)));
    assertEquals(PhysicalLayout.VARIABLE, PhysicalLayout.of(ArrowType.Utf8.INSTANCE));
    assertEquals(PhysicalLayout.VARIABLE, PhysicalLayout.of(ArrowType.Binary.INSTANCE));
    for (PhysicalLayout layout : PhysicalLayout.values()) {
      assertEquals(layout, PhysicalLayout.fromCode(layout.code()));
    }
  }

  @Test
  void refusesTypesOutsideVersionOne() {
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(ArrowType.LargeUtf8.INSTANCE));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(new ArrowType.Timestamp(TimeUnit.NANOSECOND, null)));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(new ArrowType.Date(DateUnit.MILLISECOND)));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(new ArrowType.Decimal(10, 2, 256)));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.fromCode(3));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(new ArrowType.Int(12, true)));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(new ArrowType.Int(33, false)));
  }
}
