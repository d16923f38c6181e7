package dev.capsule.decoders.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.decoders.ValueKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same rows assembled by hand in all four encodings decode to identical values, and every
 * window equals the matching slice of the whole chunk.
 */
class ReferenceDecoderWindowsTest {

  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(0, false), Arguments.of(1, false), Arguments.of(1, true), Arguments.of(7, true),
        Arguments.of(64, false), Arguments.of(777, false), Arguments.of(777, true), Arguments.of(2049, true));
  }

  @ParameterizedTest(name = "int32 rows={0} nulls={1}")
  @MethodSource("shapes")
  void int32(int n, boolean nulls) {
    Random random = new Random(n * 31L + (nulls ? 1 : 0));
    long[] rows = new long[n];
    long current = 100;
    for (int i = 0; i < n; i++) {
      if (random.nextInt(8) == 0) {
        current = 100 + random.nextInt(30);
      }
      rows[i] = current;
    }
    byte[] validity = nulls ? randomBitmap(n, random) : null;
    List<byte[]> chunks = List.of(
        plainInt32(rows, validity), reeInt32(rows, validity), bitpackInt32(rows, validity, 100, 5), dictInt32(rows, validity));
    checkAgree(chunks, n, random);
  }

  @ParameterizedTest(name = "bool rows={0} nulls={1}")
  @MethodSource("shapes")
  void bool(int n, boolean nulls) {
    Random random = new Random(n * 17L + (nulls ? 1 : 0));
    byte[] bits = randomBitmap(n, random);
    byte[] validity = nulls ? randomBitmap(n, random) : null;
    byte[] plain = ChunkBuilder.header(n, 0, validity).bytes(bits).build();
    List<Integer> ends = new ArrayList<>();
    List<Integer> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int bit = bits[i >>> 3] >>> (i & 7) & 1;
      if (i == 0 || bit != values.get(values.size() - 1)) {
        values.add(bit);
        ends.add(i + 1);
      } else {
        ends.set(ends.size() - 1, i + 1);
      }
    }
    ChunkBuilder ree = ChunkBuilder.header(n, 0, validity).u32(ends.size());
    ends.forEach(ree::u32);
    values.forEach(ree::u8);
    checkAgree(List.of(plain, ree.build()), n, random);
  }

  @ParameterizedTest(name = "utf8 rows={0} nulls={1}")
  @MethodSource("shapes")
  void strings(int n, boolean nulls) {
    Random random = new Random(n * 13L + (nulls ? 1 : 0));
    String[] words = {"", "α", "beta", "日本", "😀"};
    int[] codes = new int[n];
    for (int i = 0; i < n; i++) {
      codes[i] = i > 0 && random.nextBoolean() ? codes[i - 1] : random.nextInt(words.length);
    }
    byte[] validity = nulls ? randomBitmap(n, random) : null;
    ChunkBuilder plain = ChunkBuilder.header(n, 255, validity).u32(0);
    long total = 0;
    for (int code : codes) {
      total += words[code].getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      plain.u32(total);
    }
    for (int code : codes) {
      plain.bytes(words[code].getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    ChunkBuilder dict = ChunkBuilder.header(n, 255, validity).u32(words.length).u32(0);
    total = 0;
    for (String word : words) {
      total += word.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      dict.u32(total);
    }
    for (String word : words) {
      dict.bytes(word.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    long[] packed = new long[n];
    for (int i = 0; i < n; i++) {
      packed[i] = codes[i];
    }
    dict.u8(3).u8(0).u16(0).packed(packed, 3);
    checkAgree(List.of(plain.build(), dict.build()), n, random);
  }

  private static void checkAgree(List<byte[]> chunks, int n, Random random) {
    String[] modules = {"plain", "ree", "bitpack", "dict"};
    ColumnValues whole = ReferenceDecoders.forModule("plain").decodeAll(chunks.get(0), ValueKind.SIGNED_INTEGER);
    assertEquals(n, whole.rowCount());
    List<int[]> windows = new ArrayList<>(List.of(new int[] {0, n}, new int[] {0, Math.min(1, n)}));
    for (int size : new int[] {1, 2, 3, 5, 7, 8, 9, 12, 31, 32, 33, 1024}) {
      for (int first = 0; first < n; first += size) {
        windows.add(new int[] {first, Math.min(size, n - first)});
      }
    }
    for (int i = 0; i < 20 && n > 0; i++) {
      int first = random.nextInt(n);
      windows.add(new int[] {first, random.nextInt(n - first + 1)});
    }
    for (byte[] chunk : chunks) {
      String module = chunks.size() == 2 && chunk == chunks.get(1) ? secondModule(whole) : modules[chunks.indexOf(chunk)];
      ReferenceDecoder decoder = ReferenceDecoders.forModule(module);
      for (int[] w : windows) {
        ColumnValues got = decoder.decode(chunk, ValueKind.SIGNED_INTEGER, w[0], w[1]);
        assertSameRows(whole, w[0], w[1], got, module + " rows [" + w[0] + ", " + (w[0] + w[1]) + ")");
      }
    }
  }

  private static String secondModule(ColumnValues whole) {
    return whole.layout() == dev.capsule.format.PhysicalLayout.BIT ? "ree" : "dict";
  }

  /** Exact equality with rows [first, first + count) of whole, null slots included. */
  private static void assertSameRows(ColumnValues whole, int first, int count, ColumnValues got, String context) {
    assertEquals(count, got.rowCount(), context);
    assertEquals(whole.layout(), got.layout(), context);
    for (int i = 0; i < count; i++) {
      assertEquals(whole.isValid(first + i), got.isValid(i), context + " validity of row " + (first + i));
      switch (whole.layout().kind()) {
        case BIT:
          assertEquals(whole.data()[(first + i) >>> 3] >>> ((first + i) & 7) & 1, got.data()[i >>> 3] >>> (i & 7) & 1, context);
          break;
        case VARIABLE:
          assertArrayEquals(
              java.util.Arrays.copyOfRange(whole.data(), whole.offsets()[first + i], whole.offsets()[first + i + 1]),
              java.util.Arrays.copyOfRange(got.data(), got.offsets()[i], got.offsets()[i + 1]), context + " row " + (first + i));
          break;
        default: {
          int w = whole.layout().byteWidth();
          assertArrayEquals(java.util.Arrays.copyOfRange(whole.data(), (first + i) * w, (first + i + 1) * w),
              java.util.Arrays.copyOfRange(got.data(), i * w, (i + 1) * w), context + " row " + (first + i));
        }
      }
    }
  }

  private static byte[] randomBitmap(int n, Random random) {
    byte[] bitmap = new byte[(n + 7) / 8];
    for (int i = 0; i < n; i++) {
      if (random.nextInt(4) != 0) {
        bitmap[i >>> 3] |= (byte) (1 << (i & 7));
      }
    }
    return bitmap;
  }

  private static byte[] plainInt32(long[] rows, byte[] validity) {
    ChunkBuilder b = ChunkBuilder.header(rows.length, 4, validity);
    for (long v : rows) {
      b.u32(v);
    }
    return b.build();
  }

  private static byte[] reeInt32(long[] rows, byte[] validity) {
    List<Integer> ends = new ArrayList<>();
    List<Long> values = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      if (i > 0 && rows[i] == rows[i - 1]) {
        ends.set(ends.size() - 1, i + 1);
      } else {
        ends.add(i + 1);
        values.add(rows[i]);
      }
    }
    ChunkBuilder b = ChunkBuilder.header(rows.length, 4, validity).u32(ends.size());
    ends.forEach(b::u32);
    values.forEach(b::u32);
    return b.build();
  }

  private static byte[] bitpackInt32(long[] rows, byte[] validity, long reference, int width) {
    long[] deltas = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      deltas[i] = rows[i] - reference;
    }
    return ChunkBuilder.header(rows.length, 4, validity).i64(reference).u8(width).bytes(new byte[7]).packed(deltas, width).build();
  }

  private static byte[] dictInt32(long[] rows, byte[] validity) {
    Map<Long, Integer> codes = new LinkedHashMap<>();
    long[] packed = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      packed[i] = codes.computeIfAbsent(rows[i], k -> codes.size());
    }
    int width = codes.size() <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(codes.size() - 1);
    ChunkBuilder b = ChunkBuilder.header(rows.length, 4, validity).u32(codes.size());
    codes.keySet().forEach(b::u32);
    return b.u8(width).u8(0).u16(0).packed(packed, width).build();
  }
}
