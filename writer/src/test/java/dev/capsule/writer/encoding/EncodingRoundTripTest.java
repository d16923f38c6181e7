package dev.capsule.writer.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.capsule.decoders.reference.ReferenceDecoder;
import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.decoders.ValueKind;
import dev.capsule.writer.encoding.TestColumns.Nulls;
import dev.capsule.writer.encoding.TestColumns.Shape;
import dev.capsule.writer.encoding.TestColumns.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in encoding × layout/kind × null pattern × data shape: encode, decode with the
 * reference decoder (whole chunk, fixed windows, batch sequences, random windows), compare. The
 * reference of capsule.parquet is {@link ParquetChunkDecoder}, whose values parquet-java decodes.
 */
class EncodingRoundTripTest {

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Type type : TestColumns.TYPES) {
      for (Shape shape : Shape.values()) {
        if (!shape.appliesTo(type)) {
          continue;
        }
        for (Nulls nulls : Nulls.values()) {
          for (Encoding encoding : Encodings.builtIn()) {
            cases.add(Arguments.of(encoding.decoderModule(), type, shape, nulls));
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2} nulls={3}")
  @MethodSource("cases")
  void roundTrips(String module, Type type, Shape shape, Nulls nulls) {
    Encoding encoding = builtIn(module);
    long seed = (type + "/" + shape + "/" + nulls).hashCode();
    ColumnValues values = TestColumns.build(type, shape, nulls, seed);
    assertNotNull(values);
    ColumnAnalysis analysis = ColumnAnalysis.of(values);

    boolean supported = expectedSupport(module, values);
    assertEquals(supported, encoding.supports(analysis), "supports");
    if (!supported) {
      assertThrows(IllegalArgumentException.class, () -> encoding.encode(values, analysis));
      return;
    }
    byte[] chunk = encoding.encode(values, analysis);
    assertEquals(encoding.estimateSize(analysis), chunk.length, "estimateSize == encoded length");
    assertArrayEquals(chunk, encoding.encode(values), "encode(values) analyzes the same way");

    ReferenceDecoder decoder = Encodings.referenceDecoder(module);
    boolean keepsNullSlots = module.equals("plain") || module.equals("parquet"); // both output zero slots
    ValueKind kind = type.kind();
    ColumnAssertions.assertRows(values, 0, values.rowCount(), decoder.decodeAll(chunk, kind), keepsNullSlots, "whole chunk");
    for (int[] window : windows(values.rowCount(), new Random(seed))) {
      int first = window[0];
      int count = window[1];
      ColumnAssertions.assertRows(values, first, count, decoder.decode(chunk, kind, first, count), keepsNullSlots,
          "rows [" + first + ", " + (first + count) + ")");
    }
  }

  private static Encoding builtIn(String module) {
    for (Encoding encoding : Encodings.builtIn()) {
      if (encoding.decoderModule().equals(module)) {
        return encoding;
      }
    }
    throw new AssertionError(module);
  }

  /** The applicability rules, restated independently of the implementation. */
  private static boolean expectedSupport(String module, ColumnValues values) {
    PhysicalLayout layout = values.layout();
    switch (module) {
      case "plain":
      case "ree":
      case "parquet":
        return true;
      case "dict":
        return layout != PhysicalLayout.BIT;
      case "bitpack": {
        int w = layout.byteWidth();
        boolean wordOrWide = layout.isFixedWidth() && (w == 1 || w == 2 || w == 4 || w == 8 || w == 16 || w == 32);
        return values.kind().isInteger() && wordOrWide && rangeBits(values) <= 56
            && (w <= 8 || fitsSignedLong(values));
      }
      default:
        throw new AssertionError(module);
    }
  }

  /** 16- and 32-byte values: every valid one between -2^63 and 2^63 - 1. */
  private static boolean fitsSignedLong(ColumnValues values) {
    for (int i = 0; i < values.rowCount(); i++) {
      if (values.isValid(i)) {
        byte[] le = TestColumns.value(values, i);
        byte[] be = new byte[le.length];
        for (int j = 0; j < le.length; j++) {
          be[j] = le[le.length - 1 - j];
        }
        if (new BigInteger(be).bitLength() > 63) {
          return false;
        }
      }
    }
    return true;
  }

  /** Bits of max - min over the valid rows, with BigInteger so no sign trick is shared with the code. */
  private static int rangeBits(ColumnValues values) {
    BigInteger min = null;
    BigInteger max = null;
    for (int i = 0; i < values.rowCount(); i++) {
      if (!values.isValid(i)) {
        continue;
      }
      byte[] le = TestColumns.value(values, i);
      byte[] be = new byte[le.length];
      for (int j = 0; j < le.length; j++) {
        be[j] = le[le.length - 1 - j];
      }
      BigInteger v = values.kind() == ValueKind.SIGNED_INTEGER ? new BigInteger(be) : new BigInteger(1, be);
      min = min == null || v.compareTo(min) < 0 ? v : min;
      max = max == null || v.compareTo(max) > 0 ? v : max;
    }
    return min == null ? 0 : max.subtract(min).bitLength();
  }

  /**
   * (first, count) pairs: (0,1), (5,7), (31,33), [5,7), [31,33); consecutive batches of 1..12, 31,
   * 32, 33 rows over the first 200 rows and of 1024 over the whole chunk; 20 random windows. Pairs
   * that do not fit the chunk are dropped.
   */
  static List<int[]> windows(int n, Random random) {
    List<int[]> windows = new ArrayList<>();
    int[][] fixed = {{0, 0}, {0, 1}, {5, 7}, {31, 33}, {5, 2}, {31, 2}, {n - 1, 1}, {n, 0}};
    for (int[] w : fixed) {
      if (w[0] >= 0 && w[0] + w[1] <= n) {
        windows.add(w);
      }
    }
    int[] batchSizes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 31, 32, 33, 1024};
    for (int size : batchSizes) {
      int limit = size == 1024 ? n : Math.min(n, 200);
      for (int first = 0; first < limit; first += size) {
        windows.add(new int[] {first, Math.min(size, n - first)});
      }
    }
    for (int i = 0; i < 20 && n > 0; i++) {
      int first = random.nextInt(n);
      windows.add(new int[] {first, random.nextInt(n - first + 1)});
    }
    return windows;
  }
}
