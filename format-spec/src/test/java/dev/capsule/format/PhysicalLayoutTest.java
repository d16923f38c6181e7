package dev.capsule.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;

class PhysicalLayoutTest {
  @Test
  void mapsEveryTypeOfFormat10() {
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
  }

  @Test
  void mapsTheTypesFormat11Adds() {
    assertEquals(PhysicalLayout.FIXED2, PhysicalLayout.of(new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)));
    assertEquals(PhysicalLayout.FIXED8, PhysicalLayout.of(new ArrowType.Date(DateUnit.MILLISECOND)));
    assertEquals(PhysicalLayout.FIXED4, PhysicalLayout.of(new ArrowType.Time(TimeUnit.SECOND, 32)));
    assertEquals(PhysicalLayout.FIXED4, PhysicalLayout.of(new ArrowType.Time(TimeUnit.MILLISECOND, 32)));
    assertEquals(PhysicalLayout.FIXED8, PhysicalLayout.of(new ArrowType.Time(TimeUnit.MICROSECOND, 64)));
    assertEquals(PhysicalLayout.FIXED8, PhysicalLayout.of(new ArrowType.Time(TimeUnit.NANOSECOND, 64)));
    assertEquals(PhysicalLayout.FIXED8, PhysicalLayout.of(new ArrowType.Timestamp(TimeUnit.SECOND, null)));
    assertEquals(PhysicalLayout.FIXED8, PhysicalLayout.of(new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC")));
    assertEquals(PhysicalLayout.FIXED8, PhysicalLayout.of(new ArrowType.Duration(TimeUnit.MICROSECOND)));
    assertEquals(PhysicalLayout.FIXED4, PhysicalLayout.of(new ArrowType.Interval(IntervalUnit.YEAR_MONTH)));
    assertEquals(PhysicalLayout.FIXED8, PhysicalLayout.of(new ArrowType.Interval(IntervalUnit.DAY_TIME)));
    assertEquals(PhysicalLayout.FIXED16, PhysicalLayout.of(new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO)));
    assertEquals(PhysicalLayout.fixed(32), PhysicalLayout.of(new ArrowType.Decimal(60, 10, 256)));
    assertEquals(PhysicalLayout.fixed(3), PhysicalLayout.of(new ArrowType.FixedSizeBinary(3)));
    assertEquals(PhysicalLayout.fixed(254), PhysicalLayout.of(new ArrowType.FixedSizeBinary(254)));
  }

  @Test
  void everyCodeNamesOneCanonicalLayout() {
    assertSame(PhysicalLayout.BIT, PhysicalLayout.fromCode(0));
    assertSame(PhysicalLayout.VARIABLE, PhysicalLayout.fromCode(255));
    for (int w = 1; w <= PhysicalLayout.MAX_FIXED_WIDTH; w++) {
      PhysicalLayout layout = PhysicalLayout.fromCode(w);
      assertSame(PhysicalLayout.fixed(w), layout);
      assertEquals(w, layout.code());
      assertEquals(w, layout.byteWidth());
      assertEquals(PhysicalLayout.Kind.FIXED, layout.kind());
      assertEquals("FIXED" + w, layout.toString());
    }
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.fromCode(256));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.fromCode(-1));
  }

  @Test
  void refusesTypesWithoutALayout() {
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(ArrowType.LargeUtf8.INSTANCE));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(ArrowType.Null.INSTANCE));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(new ArrowType.FixedSizeBinary(255)));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(new ArrowType.Int(12, true)));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(new ArrowType.Int(33, false)));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(ArrowType.List.INSTANCE));
    // Arrow's Time type takes any unit with any width; only time32[s|ms] and time64[us|ns] are Arrow's.
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(new ArrowType.Time(TimeUnit.SECOND, 64)));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.of(new ArrowType.Time(TimeUnit.NANOSECOND, 32)));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.fixed(0));
    assertThrows(IllegalArgumentException.class, () -> PhysicalLayout.fixed(255));
  }
}
