package dev.capsule.writer.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.capsule.decoders.ColumnValues;

/** Equality of decoded rows with the rows that were encoded. */
final class ColumnAssertions {
  private ColumnAssertions() {}

  /**
   * Asserts {@code actual} holds rows [first, first + actual.rowCount()) of {@code expected}: same
   * layout, kind, validity, and value of every valid row. Null slots are compared too when
   * {@code nullSlots} (encodings that keep them, i.e. plain).
   */
  static void assertRows(ColumnValues expected, int first, int count, ColumnValues actual, boolean nullSlots, String context) {
    assertEquals(expected.layout(), actual.layout(), context);
    assertEquals(expected.kind(), actual.kind(), context);
    assertEquals(count, actual.rowCount(), context + ": row count");
    int nulls = 0;
    for (int i = 0; i < count; i++) {
      boolean valid = expected.isValid(first + i);
      nulls += valid ? 0 : 1;
      if (valid != actual.isValid(i)) {
        fail(context + ": validity of row " + (first + i) + " expected " + valid);
      }
      if (valid || nullSlots) {
        assertArrayEquals(TestColumns.value(expected, first + i), TestColumns.value(actual, i),
            context + ": value of row " + (first + i));
      }
    }
    assertEquals(nulls, actual.nullCount(), context + ": null count");
    if (actual.layout() == dev.capsule.format.PhysicalLayout.VARIABLE) {
      assertEquals(0, actual.offsets()[0], context);
    }
  }
}
