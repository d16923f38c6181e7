package dev.capsule.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import java.util.Arrays;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.compare.Range;
import org.apache.arrow.vector.compare.RangeEqualsVisitor;
import org.apache.arrow.vector.util.ValueVectorUtility;

/** Comparisons of decoded Arrow vectors with the reference decoder's output and with the source. */
final class DecodedAssert {
  private DecodedAssert() {}

  /**
   * The wasm decoder and the reference decoder decoded the same chunk rows: every slot, null or not,
   * must hold the same bits, and the vector must pass Arrow's full validation.
   */
  static void assertSameAsReference(ColumnValues reference, FieldVector decoded, String context) {
    validateFull(decoded);
    int n = reference.rowCount();
    assertEquals(n, decoded.getValueCount(), context + ": row count");
    assertEquals(reference.nullCount(), decoded.getNullCount(), context + ": null count");
    PhysicalLayout layout = reference.layout();
    for (int i = 0; i < n; i++) {
      assertEquals(reference.isValid(i), !decoded.isNull(i), context + ": validity of row " + i);
      switch (layout.kind()) {
        case BIT:
          assertEquals((reference.data()[i >>> 3] >> (i & 7)) & 1, BitVectorHelper.get(decoded.getDataBuffer(), i),
              context + ": bit of row " + i);
          break;
        case VARIABLE: {
          int[] offsets = reference.offsets();
          byte[] want = Arrays.copyOfRange(reference.data(), offsets[i], offsets[i + 1]);
          BaseVariableWidthVector v = (BaseVariableWidthVector) decoded;
          int start = v.getOffsetBuffer().getInt(4L * i);
          int end = v.getOffsetBuffer().getInt(4L * (i + 1));
          byte[] got = new byte[end - start];
          v.getDataBuffer().getBytes(start, got);
          assertArrayEquals(want, got, context + ": value of row " + i);
          break;
        }
        default: {
          int w = layout.byteWidth();
          byte[] want = Arrays.copyOfRange(reference.data(), i * w, (i + 1) * w);
          byte[] got = new byte[w];
          decoded.getDataBuffer().getBytes((long) i * w, got);
          assertArrayEquals(want, got, context + ": value of row " + i);
        }
      }
    }
  }

  /** Arrow's full validation, but for half floats, which Arrow 19's validator does not know. */
  static void validateFull(FieldVector vector) {
    if (!(vector instanceof Float2Vector)) {
      ValueVectorUtility.validateFull(vector);
    }
  }

  /** Rows [sourceStart, sourceStart + n) of the source equal the decoded vector (nulls compare equal). */
  static void assertSameAsSource(FieldVector source, int sourceStart, FieldVector decoded, String context) {
    int n = decoded.getValueCount();
    boolean equal = new RangeEqualsVisitor(source, decoded).rangeEquals(new Range(sourceStart, 0, n));
    if (!equal) {
      for (int i = 0; i < n; i++) {
        Object want = source.getObject(sourceStart + i);
        Object got = decoded.getObject(i);
        assertEquals(String.valueOf(want), String.valueOf(got), context + ": row " + (sourceStart + i));
      }
      assertTrue(equal, context + ": vectors differ but no row does (check validity bits)");
    }
  }
}
