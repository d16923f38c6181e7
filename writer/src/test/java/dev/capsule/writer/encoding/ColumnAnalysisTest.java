package dev.capsule.writer.encoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.decoders.ValueKind;
import dev.capsule.writer.encoding.TestColumns.Nulls;
import dev.capsule.writer.encoding.TestColumns.Shape;
import dev.capsule.writer.encoding.TestColumns.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ColumnAnalysisTest {
  private static final Type INT8 = new Type(PhysicalLayout.FIXED1, ValueKind.SIGNED_INTEGER);
  private static final Type UINT8 = new Type(PhysicalLayout.FIXED1, ValueKind.UNSIGNED_INTEGER);
  private static final Type INT32 = new Type(PhysicalLayout.FIXED4, ValueKind.SIGNED_INTEGER);
  private static final Type INT64 = new Type(PhysicalLayout.FIXED8, ValueKind.SIGNED_INTEGER);
  private static final Type UINT64 = new Type(PhysicalLayout.FIXED8, ValueKind.UNSIGNED_INTEGER);
  private static final Type FLOAT32 = new Type(PhysicalLayout.FIXED4, ValueKind.OPAQUE);
  private static final Type BOOL = new Type(PhysicalLayout.BIT, ValueKind.OPAQUE);
  private static final Type STRING = new Type(PhysicalLayout.VARIABLE, ValueKind.OPAQUE);

  /** Rows given as longs (null = null row). */
  private static ColumnValues ints(Type type, Long... values) {
    List<byte[]> rows = new ArrayList<>();
    boolean[] isNull = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      isNull[i] = values[i] == null;
      rows.add(TestColumns.le(values[i] == null ? 0 : values[i], type.width()));
    }
    return TestColumns.of(type, rows, isNull);
  }

  @Test
  void nullRowsJoinTheRunAroundThem() {
    assertEquals(3, ColumnAnalysis.of(ints(INT32, 5L, null, 5L, 6L, null, null, 6L, 5L)).runCount());
    assertEquals(1, ColumnAnalysis.of(ints(INT32, null, null, 7L, 7L)).runCount());
    assertEquals(2, ColumnAnalysis.of(ints(INT32, 7L, null, 8L)).runCount());
    assertEquals(1, ColumnAnalysis.of(ints(INT32, null, null)).runCount());
    assertEquals(0, ColumnAnalysis.of(ints(INT32)).runCount());
    assertEquals(1, ColumnAnalysis.of(ints(INT32, 9L)).runCount());
  }

  @Test
  void bitWidthFollowsTheKind() {
    ColumnAnalysis signed = ColumnAnalysis.of(ints(INT8, -1L, 1L));
    assertEquals(2, signed.integerBitWidth()); // 1 - (-1) = 2
    assertEquals(-1, signed.integerMinimum());
    ColumnAnalysis unsigned = ColumnAnalysis.of(ints(UINT8, -1L, 1L)); // 0xFF and 0x01
    assertEquals(8, unsigned.integerBitWidth()); // 255 - 1 = 254
    assertEquals(1, unsigned.integerMinimum());
    assertEquals(-1, ColumnAnalysis.of(ints(FLOAT32, 1L, 2L)).integerBitWidth());
  }

  @Test
  void unsigned64WithTheTopBitSet() {
    ColumnAnalysis a = ColumnAnalysis.of(ints(UINT64, 0x8000_0000_0000_0005L, 0x8000_0000_0000_0000L, -1L));
    assertEquals(Long.MIN_VALUE, a.integerMinimum());
    assertEquals(63, a.integerBitWidth()); // 2^64 - 1 - 2^63
    ColumnAnalysis narrow = ColumnAnalysis.of(ints(UINT64, 0x8000_0000_0000_0005L, 0x8000_0000_0000_0000L));
    assertEquals(3, narrow.integerBitWidth());
    // The same bits read as signed are far apart.
    assertEquals(64, ColumnAnalysis.of(ints(INT64, Long.MIN_VALUE, Long.MAX_VALUE)).integerBitWidth());
    assertEquals(64, ColumnAnalysis.of(ints(UINT64, 0L, -1L)).integerBitWidth());
  }

  @Test
  void bitpackStopsAt56Bits() {
    ColumnAnalysis fits = ColumnAnalysis.of(ints(INT64, -5L, -5L + (1L << 56) - 1));
    assertEquals(56, fits.integerBitWidth());
    assertTrue(Encodings.bitpack().supports(fits));
    ColumnAnalysis tooWide = ColumnAnalysis.of(ints(INT64, -5L, -5L + (1L << 56)));
    assertEquals(57, tooWide.integerBitWidth());
    assertFalse(Encodings.bitpack().supports(tooWide));
  }

  @Test
  void nullRowsDoNotWidenTheRange() {
    ColumnAnalysis a = ColumnAnalysis.of(ints(INT32, 1000L, null, 1010L));
    assertEquals(1000, a.integerMinimum());
    assertEquals(4, a.integerBitWidth());
    ColumnAnalysis allNull = ColumnAnalysis.of(ints(INT32, null, null));
    assertEquals(0, allNull.integerMinimum());
    assertEquals(0, allNull.integerBitWidth());
  }

  @Test
  void dictionarySizeAndCodeWidth() {
    assertEquals(0, ColumnAnalysis.of(ints(INT32)).dictionarySize());
    assertEquals(0, ColumnAnalysis.of(ints(INT32)).dictionaryCodeWidth());
    assertEquals(1, ColumnAnalysis.of(ints(INT32, null, null)).dictionarySize()); // one zero entry
    assertEquals(1, ColumnAnalysis.of(ints(INT32, 3L, 3L)).dictionarySize());
    assertEquals(0, ColumnAnalysis.of(ints(INT32, 3L, 3L)).dictionaryCodeWidth());
    assertEquals(2, ColumnAnalysis.of(ints(INT32, 3L, null, 4L)).dictionarySize());
    assertEquals(1, ColumnAnalysis.of(ints(INT32, 3L, 4L)).dictionaryCodeWidth());
    assertEquals(-1, ColumnAnalysis.of(TestColumns.build(BOOL, Shape.RANDOM, Nulls.NONE, 1)).dictionarySize());
    assertEquals(0, DictEncoding.codeWidth(1));
    assertEquals(1, DictEncoding.codeWidth(2));
    assertEquals(2, DictEncoding.codeWidth(3));
    assertEquals(8, DictEncoding.codeWidth(256));
    assertEquals(9, DictEncoding.codeWidth(257));
    assertEquals(31, DictEncoding.codeWidth(Integer.MAX_VALUE));
  }

  @Test
  void dictionarySizeMatchesAnIndependentCount() {
    for (Type type : TestColumns.TYPES) {
      if (type.layout() == PhysicalLayout.BIT) {
        continue;
      }
      for (Shape shape : Shape.values()) {
        for (Nulls nulls : Nulls.values()) {
          ColumnValues values = TestColumns.build(type, shape, nulls, 3);
          if (values == null) {
            continue;
          }
          Set<ByteBuffer> distinct = new HashSet<>();
          for (int i = 0; i < values.rowCount(); i++) {
            if (values.isValid(i)) {
              distinct.add(ByteBuffer.wrap(TestColumns.value(values, i)));
            }
          }
          int expected = values.rowCount() == 0 ? 0 : Math.max(1, distinct.size());
          assertEquals(expected, ColumnAnalysis.of(values).dictionarySize(), type + " " + shape + " " + nulls);
        }
      }
    }
  }

  @Test
  void selectionAnalysisStopsCountingWhenDictCannotWin() {
    ColumnValues random = TestColumns.build(STRING, Shape.RANDOM, Nulls.NONE, 4);
    assertEquals(-1, ColumnAnalysis.forSelection(random).dictionarySize());
    assertFalse(Encodings.dict().supports(ColumnAnalysis.forSelection(random)));
    assertTrue(ColumnAnalysis.of(random).dictionarySize() > 0);
    ColumnValues few = TestColumns.build(STRING, Shape.UTF8, Nulls.SOME, 4);
    assertEquals(ColumnAnalysis.of(few).dictionarySize(), ColumnAnalysis.forSelection(few).dictionarySize());
  }

  @Test
  void analysisOfOtherValuesIsRejected() {
    ColumnAnalysis a = ColumnAnalysis.of(ints(INT32, 1L, 2L));
    ColumnValues other = ints(INT32, 1L, 2L, 3L);
    for (Encoding encoding : Encodings.builtIn()) {
      org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> encoding.encode(other, a));
    }
  }
}
