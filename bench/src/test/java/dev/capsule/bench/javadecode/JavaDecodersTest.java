package dev.capsule.bench.javadecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.capsule.bench.decode.ColumnGenerator;
import dev.capsule.bench.decode.Shape;
import dev.capsule.bench.decode.ValueType;
import dev.capsule.decoders.ColumnValues;
import dev.capsule.decoders.reference.ReferenceDecoder;
import dev.capsule.writer.encoding.Encodings;
import dev.capsule.writer.encoding.EncodingSelector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast plain-Java decoders agree with the reference decoders (the project's oracle) on every
 * type × encoding × shape the benchmarks use, with and without nulls, for whole chunks and for the
 * batch windows of DESIGN.md (1..12, 31..33, 1024 rows, random skip and read), decoding every
 * window into the same reused vector.
 */
class JavaDecodersTest {
  private static final int ROWS = 5_000;

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (ValueType type : ValueType.values()) {
      for (String encoding : JavaDecoders.encodings()) {
        boolean integer = type == ValueType.INT32 || type == ValueType.INT64;
        if (encoding.equals("capsule.bitpack") && !integer) {
          continue;
        }
        for (Shape shape : Shape.values()) {
          if (shape == Shape.NARROW && !integer || shape == Shape.TEXT && type != ValueType.UTF8) {
            continue;
          }
          if (encoding.equals("capsule.bitpack") && shape != Shape.NARROW && type == ValueType.INT64) {
            continue; // random 64-bit keys span more than bitpack's 56 bits
          }
          for (double nulls : new double[] {0, 0.1}) {
            cases.add(Arguments.of(type, encoding, shape, nulls));
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2} nulls={3}")
  @MethodSource("cases")
  void agreesWithReferenceDecoder(ValueType type, String encoding, Shape shape, double nulls) {
    ColumnValues values = ColumnGenerator.generate(type, shape, ROWS, nulls, 7);
    byte[] chunk = EncodingSelector.builtIn().force(encoding, values).bytes();
    ReferenceDecoder reference = Encodings.referenceDecoder(encoding.substring("capsule.".length()));
    JavaChunkDecoder decoder = JavaDecoders.open(encoding, chunk);
    assertEquals(ROWS, decoder.rowCount());
    try (BufferAllocator allocator = new RootAllocator(); FieldVector vector = type.field().createVector(allocator)) {
      for (int[] window : windows(ROWS)) {
        decoder.decodeInto(window[0], window[1], vector);
        ColumnValues expected = reference.decode(chunk, window[0], window[1]);
        assertSame(expected, vector, type, encoding + " rows " + window[0] + " + " + window[1]);
      }
    }
  }

  @Test
  void rejectsAChunkWhoseDictionarySizeWasDamaged() {
    ColumnValues values = ColumnGenerator.generate(ValueType.INT32, Shape.FEW_DISTINCT, 64, 0, 7);
    byte[] chunk = EncodingSelector.builtIn().force("capsule.dict", values).bytes();
    // dictionary size (payload offset 8) shrunk to 1: the sections no longer add up to the chunk
    chunk[8] = 1;
    chunk[9] = 0;
    assertThrows(IllegalArgumentException.class, () -> JavaDecoders.open("capsule.dict", chunk));
  }

  @Test
  void namesTheEncodingsItKnows() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JavaDecoders.open("test.unknown", new byte[8]));
    assertEquals(true, e.getMessage().contains("capsule.plain"));
  }

  /** Whole chunk, 1..12, 31..33, 1024 rows from varied starts, then random skip + read to the end. */
  private static List<int[]> windows(int rows) {
    List<int[]> windows = new ArrayList<>();
    windows.add(new int[] {0, rows});
    int start = 0;
    for (int size : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 31, 32, 33, 1024}) {
      windows.add(new int[] {start, size});
      start += size + 3;
    }
    windows.add(new int[] {rows - 1, 1});
    windows.add(new int[] {rows, 0});
    SplittableRandom random = new SplittableRandom(11);
    for (int row = 0; row < rows; ) {
      row += random.nextInt(100);
      int count = Math.min(rows - row, 1 + random.nextInt(700));
      if (count <= 0) {
        break;
      }
      windows.add(new int[] {row, count});
      row += count;
    }
    return windows;
  }

  private static void assertSame(ColumnValues expected, FieldVector actual, ValueType type, String where) {
    int n = expected.rowCount();
    assertEquals(n, actual.getValueCount(), where + ": row count");
    for (int i = 0; i < n; i++) {
      assertEquals(expected.isValid(i), !actual.isNull(i), where + ": validity of row " + i);
    }
    assertEquals(n - countValid(expected), actual.getNullCount(), where + ": null count");
    if (type == ValueType.UTF8) {
      BaseVariableWidthVector v = (BaseVariableWidthVector) actual;
      for (int i = 0; i < n; i++) {
        if (expected.isValid(i)) {
          byte[] want = Arrays.copyOfRange(expected.data(), expected.offsets()[i], expected.offsets()[i + 1]);
          assertArrayEquals(want, v.get(i), where + ": value of row " + i);
        }
      }
    } else {
      int w = type.layout().byteWidth();
      byte[] got = new byte[n * w];
      actual.getDataBuffer().getBytes(0, got);
      for (int i = 0; i < n; i++) {
        if (expected.isValid(i)) {
          assertArrayEquals(Arrays.copyOfRange(expected.data(), i * w, i * w + w),
              Arrays.copyOfRange(got, i * w, i * w + w), where + ": value of row " + i);
        }
      }
    }
  }

  private static int countValid(ColumnValues values) {
    int valid = 0;
    for (int i = 0; i < values.rowCount(); i++) {
      valid += values.isValid(i) ? 1 : 0;
    }
    return valid;
  }
}
