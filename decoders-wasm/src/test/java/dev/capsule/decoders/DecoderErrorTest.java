package dev.capsule.decoders;

import static dev.capsule.format.PhysicalLayout.BIT;
import static dev.capsule.format.PhysicalLayout.FIXED1;
import static dev.capsule.format.PhysicalLayout.FIXED16;
import static dev.capsule.format.PhysicalLayout.FIXED2;
import static dev.capsule.format.PhysicalLayout.FIXED4;
import static dev.capsule.format.PhysicalLayout.FIXED8;
import static dev.capsule.format.PhysicalLayout.VARIABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.capsule.decoders.DecoderHarness.Decoded;
import dev.capsule.decoders.TestColumn.Nulls;
import dev.capsule.decoders.TestColumn.Shape;
import dev.capsule.format.PhysicalLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Chunks and calls the contract forbids: capsule_open returns 0 or capsule_decode returns nonzero,
 * capsule_error explains, and nothing outside the chunk is touched (GuardedMemory).
 */
class DecoderErrorTest {
  private static final int EINVAL = 1;
  private static final int ECORRUPT = 2;
  private static final int ENOMEM = 3;

  static void assertOpenFails(String module, byte[] chunk, String fragment) {
    DecoderHarness h = new DecoderHarness(module);
    int handle = h.open(chunk);
    String msg = h.error(0);
    assertEquals(0, handle, () -> "capsule_open accepted the chunk; expected: " + fragment);
    assertMessage(module, msg, fragment);
  }

  static void assertMessage(String module, String msg, String fragment) {
    assertTrue(msg.startsWith("capsule." + module + ": "), () -> "message prefix: " + msg);
    assertTrue(msg.contains(fragment), () -> "expected '" + fragment + "' in: " + msg);
  }

  /** Opens the chunk (must succeed), then expects capsule_decode(first, count) to fail. */
  static void assertDecodeFails(String module, byte[] chunk, int first, int count, int rc,
                                String fragment) {
    DecoderHarness h = new DecoderHarness(module);
    int handle = h.open(chunk);
    assertNotEquals(0, handle, () -> "capsule_open failed: " + h.error(0));
    assertEquals(rc, h.decodeRaw(handle, first, count), () -> "capsule_decode return code, message: "
        + h.error(handle));
    assertMessage(module, h.error(handle), fragment);
  }

  static TestColumn column(String module, PhysicalLayout layout, int n, long seed) {
    return TestColumn.generate(layout, n, Nulls.SOME, Shape.RUNS,
        DecoderMatrixTest.maxBits(module, layout), new Random(seed));
  }

  static byte[] with(byte[] chunk, int offset, int... bytes) {
    byte[] c = chunk.clone();
    for (int i = 0; i < bytes.length; i++) {
      c[offset + i] = (byte) bytes[i];
    }
    return c;
  }

  static byte[] withU32(byte[] chunk, int offset, long v) {
    return with(chunk, offset, (int) v & 0xFF, (int) (v >>> 8) & 0xFF, (int) (v >>> 16) & 0xFF,
        (int) (v >>> 24) & 0xFF);
  }

  static int payload(TestColumn c) {
    return 8 + (c.valid() == null ? 0 : (c.n() + 7) / 8);
  }

  // ---- every encoding ----

  @TestFactory
  Stream<DynamicTest> everyTruncationIsRejected() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String module : DecoderMatrixTest.NATIVE) { // capsule.parquet: ParquetErrorTest
      for (PhysicalLayout layout : DecoderMatrixTest.LAYOUTS.get(module)) {
        tests.add(dynamicTest(module + " " + layout, () -> {
          byte[] chunk = Chunks.encode(module, column(module, layout, 37, 1));
          DecoderHarness h = new DecoderHarness(module);
          for (int len = 0; len < chunk.length; len++) {
            int handle = h.open(Arrays.copyOf(chunk, len));
            assertEquals(0, handle, "accepted a chunk truncated to " + len + " bytes");
            assertMessage(module, h.error(0), "truncated");
          }
          assertNotEquals(0, h.open(chunk), () -> h.error(0));
        }));
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> headerErrors() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String module : DecoderMatrixTest.NATIVE) { // capsule.parquet: ParquetErrorTest
      PhysicalLayout layout = FIXED2;
      TestColumn c = column(module, layout, 21, 2);
      byte[] chunk = Chunks.encode(module, c);
      tests.add(dynamicTest(module + " trailing bytes", () ->
          assertOpenFails(module, Arrays.copyOf(chunk, chunk.length + 3), "3 unexpected bytes after the payload")));
      // Every code names a layout (FIXEDw for 1..254); bitpack takes only FIXED1/2/4/8, and the
      // others find a chunk of another layout the wrong size.
      for (int code : new int[] {0, 3, 5, 12, 17, 33, 254, 255}) {
        String expected = module.equals("bitpack") ? "layout code " + code + " is not supported by this encoding"
            : module.equals("dict") && code == 0 ? "layout code 0 is not supported by this encoding"
            : ""; // fails, in whatever way the misread chunk breaks first
        tests.add(dynamicTest(module + " layout code " + code, () ->
            assertOpenFails(module, with(chunk, 4, code), expected)));
      }
      for (int flags : new int[] {2, 3, 0x80, 0xFF}) {
        tests.add(dynamicTest(module + " flags " + flags, () ->
            assertOpenFails(module, with(chunk, 5, flags), "flags byte at offset 5 is " + flags)));
      }
      tests.add(dynamicTest(module + " reserved byte 6", () ->
          assertOpenFails(module, with(chunk, 6, 1), "reserved header bytes 6..7 must be 0")));
      tests.add(dynamicTest(module + " reserved byte 7", () ->
          assertOpenFails(module, with(chunk, 7, 0x80), "reserved header bytes 6..7 must be 0")));
      tests.add(dynamicTest(module + " validity bits past n", () -> {
        // 21 rows: bits 5..7 of validity byte 2 (chunk offset 10) must be 0.
        assertOpenFails(module, with(chunk, 10, chunk[10] | 0x20), "validity bitmap has bits set past row 21");
      }));
    }
    return tests.stream();
  }

  @Test
  void layoutsAnEncodingDoesNotSupport() {
    byte[] bitpack = Chunks.bitpack(column("bitpack", FIXED1, 10, 3));
    for (PhysicalLayout bad : new PhysicalLayout[] {BIT, PhysicalLayout.fixed(3), PhysicalLayout.fixed(12), VARIABLE}) {
      assertOpenFails("bitpack", with(bitpack, 4, bad.code()), "layout code " + bad.code()
          + " is not supported by this encoding (supported: FIXED1, FIXED2, FIXED4, FIXED8, FIXED16, FIXED32)");
    }
    byte[] dict = Chunks.dict(column("dict", FIXED1, 10, 3));
    assertOpenFails("dict", with(dict, 4, 0), "layout code 0 is not supported");
  }

  /** The layout is refused before the payload is read: a short chunk is not reported as truncated. */
  @Test
  void unsupportedLayoutIsReportedBeforeTruncation() {
    byte[] bitpack = Chunks.bitpack(column("bitpack", FIXED1, 10, 3));
    for (int length : new int[] {8, 12, 23}) { // bare header, part of the 16-byte bitpack header, short deltas
      for (PhysicalLayout bad : new PhysicalLayout[] {PhysicalLayout.fixed(3), PhysicalLayout.fixed(12)}) {
        byte[] chunk = with(Arrays.copyOf(bitpack, length), 4, bad.code());
        chunk[5] = 0; // no validity bitmap: the payload starts at offset 8
        assertOpenFails("bitpack", chunk, "layout code " + bad.code() + " is not supported by this encoding");
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> callerErrors() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String module : ShippedDecoders.modules()) {
      TestColumn c = column(module, FIXED4, 50, 4);
      byte[] chunk = Chunks.encode(module, c);
      int[][] ranges = {{50, 1}, {0, 51}, {49, 2}, {51, 0}, {-1, 1}, {1, -1}, {Integer.MAX_VALUE, 2}};
      for (int[] r : ranges) {
        tests.add(dynamicTest(module + " rows " + r[0] + " +" + r[1], () ->
            assertDecodeFails(module, chunk, r[0], r[1], EINVAL, "requested rows [" + Integer.toUnsignedLong(r[0]) + ", ")));
      }
      tests.add(dynamicTest(module + " bad handles", () -> {
        DecoderHarness h = new DecoderHarness(module);
        int handle = h.open(chunk);
        // Looking a handle up reads the would-be state (in bounds, but maybe in a guard zone).
        h.guarded(false);
        for (int bad : new int[] {0, 4, handle + 8, handle - 8, 7, -8, h.descriptor}) {
          assertEquals(EINVAL, h.decodeRaw(bad, 0, 1), "handle " + bad);
          if (bad != 0) { // capsule_error(0) is the last capsule_open failure
            assertMessage(module, h.error(bad), "is not a handle returned by capsule_open");
          }
        }
        assertEquals(0, h.decodeRaw(handle, 0, 1), () -> h.error(handle));
      }));
      tests.add(dynamicTest(module + " bad descriptor pointer", () -> {
        DecoderHarness h = new DecoderHarness(module);
        int handle = h.open(chunk);
        int size = (int) h.memorySize();
        // Outside memory, below the heap, past what capsule_alloc handed out, or over the chunk.
        for (int out : new int[] {0, 16, size - 59, size, -8, size - 60, h.lastChunk + 4}) {
          assertEquals(EINVAL, h.decodeRaw(handle, 0, 1, out), "out_ptr " + out);
          assertMessage(module, h.error(handle), "descriptor pointer " + Integer.toUnsignedLong(out));
        }
        int other = h.alloc(DecoderHarness.DESCRIPTOR_SIZE);
        assertEquals(0, h.decodeRaw(handle, 0, 1, other), () -> h.error(handle));
      }));
      tests.add(dynamicTest(module + " chunk outside allocated memory", () -> {
        DecoderHarness h = new DecoderHarness(module);
        int size = (int) h.memorySize();
        int p = h.alloc(16);
        for (int[] bad : new int[][] {{size - 4, 8}, {0, 8}, {16, 8}, {p, 100}, {p, -1}}) {
          assertEquals(0, h.openAt(bad[0], bad[1]), "chunk at " + bad[0]);
          assertMessage(module, h.error(0), "is not inside memory obtained from capsule_alloc");
        }
      }));
      tests.add(dynamicTest(module + " error state", () -> {
        DecoderHarness h = new DecoderHarness(module);
        assertEquals("", h.error(0));
        int handle = h.open(chunk);
        assertEquals("", h.error(handle));
        assertEquals(EINVAL, h.decodeRaw(handle, 60, 1));
        String msg = h.error(handle);
        assertEquals(0, h.decodeRaw(handle, 0, 1));
        assertEquals(msg, h.error(handle), "the last error stays until the next one");
        assertEquals(0, h.open(new byte[3]));
        assertMessage(module, h.error(0), "truncated chunk: 3 bytes, the header needs 8");
        assertNotEquals(0, h.open(chunk));
        assertEquals("", h.error(0), "a successful open clears the open error");
      }));
    }
    return tests.stream();
  }

  // ---- out of memory ----

  @Test
  void outOfMemoryWhenTheHostCapsMemory() {
    // 200 000 FIXED8 rows in one run need 1.6 MB of output; the host allows 16 pages (1 MiB).
    int n = 200_000;
    byte[] chunk = Chunks.reeRaw(FIXED8, n, null, new long[] {n}, List.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
    DecoderHarness h = new DecoderHarness("ree", new MemoryLimits(2, 16));
    int handle = h.open(chunk);
    assertNotEquals(0, handle, () -> h.error(0));
    assertEquals(ENOMEM, h.decodeRaw(handle, 0, n));
    assertMessage("ree", h.error(handle), "out of memory");
    // The arena is reset by every decode: a smaller request still works.
    TestColumn c = new TestColumn(FIXED8, fill(n, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), null);
    Expected.check(c, h.decode(handle, FIXED8, 5, 1000), 5, 1000);
    assertEquals(0, h.alloc(2 << 20), "capsule_alloc past the cap returns 0");
  }

  @Test
  void outOfMemoryPastFourGigabytes() {
    int n = Integer.MAX_VALUE;
    byte[] chunk = Chunks.reeRaw(FIXED16, n, null, new long[] {n}, List.of(new byte[16]));
    DecoderHarness h = new DecoderHarness("ree");
    int handle = h.open(chunk);
    assertNotEquals(0, handle, () -> h.error(0));
    assertEquals(ENOMEM, h.decodeRaw(handle, 0, n));
    assertMessage("ree", h.error(handle), "out of memory: cannot grow the wasm memory to ");
    byte[] bitpack = Chunks.bitpackRaw(FIXED8, n, null, 42, 0, new long[0]);
    DecoderHarness b = new DecoderHarness("bitpack");
    int bh = b.open(bitpack);
    assertNotEquals(0, bh, () -> b.error(0));
    assertEquals(ENOMEM, b.decodeRaw(bh, 1, n - 1));
    assertMessage("bitpack", b.error(bh), "out of memory");
  }

  static byte[][] fill(int n, byte[] v) {
    byte[][] rows = new byte[n][];
    Arrays.fill(rows, v);
    return rows;
  }

  // ---- capsule.plain ----

  @Test
  void plainVariableOffsets() {
    List<byte[]> values = List.of(new byte[] {1}, new byte[] {2, 3}, new byte[0], new byte[] {4});
    byte[] good = Chunks.offsetsAndData(Chunks.header(VARIABLE, 4, null), values).toArray();
    // offsets at 8: 0 1 3 3 4
    assertOpenFails("plain", withU32(good, 8, 1), "offsets[0] at offset 8 must be 0, found 1");
    // ABI v2: windows are returned in place, so only their ends are checked here; a decrease
    // inside a window is the host's to find (SPEC 9.2), as it must for any decoder.
    byte[] decreasing = withU32(good, 16, 0); // offsets[2] = 0 < offsets[1] = 1
    assertDecodeFails("plain", decreasing, 1, 1, ECORRUPT,
        "offsets[1] = 1 at offset 12 exceeds the later offsets[2]");
    DecoderHarness h = new DecoderHarness("plain");
    int handle = h.open(decreasing);
    assertEquals(0, h.decodeRaw(handle, 0, 4), "ends 0 and 4 are in order");
    assertEquals(0, h.decodeRaw(handle, 2, 2), "a window after the bad offset decodes");
    DecoderHarness inPlace = new DecoderHarness("plain");
    int goodHandle = inPlace.open(good);
    Decoded window = inPlace.decode(goodHandle, PhysicalLayout.VARIABLE, 1, 2);
    assertArrayEquals(new int[] {0, 2, 2}, window.offsets(), "rows 1 and 2, rebased by the harness");
    assertArrayEquals(new byte[] {2, 3}, window.data());
    int buffers = inPlace.memory().readInt(inPlace.descriptor + 40);
    assertEquals(inPlace.lastChunk + 12, inPlace.memory().readInt(buffers + 4), "offsets point into the chunk");
    // offsets[1] = 100 > 4 data bytes while offsets[4] = 4: caught per window.
    byte[] pastEnd = withU32(good, 12, 100);
    assertDecodeFails("plain", pastEnd, 0, 1, ECORRUPT, "offsets[1] = 100 at offset 12 is past the end of the data");
    assertOpenFails("plain", withU32(good, 24, 0x80000000L), "offsets[n] = 2147483648 exceeds the 2^31-1");
  }

  // ---- capsule.ree ----

  @Test
  void reeRunErrors() {
    List<byte[]> v3 = List.of(new byte[] {1}, new byte[] {2}, new byte[] {3});
    assertOpenFails("ree", Chunks.reeRaw(FIXED1, 10, null, new long[] {4, 4, 10}, v3),
        "run_ends[1] = 4 at offset 16 is not greater than the previous run end 4");
    assertOpenFails("ree", Chunks.reeRaw(FIXED1, 10, null, new long[] {5, 3, 10}, v3),
        "run_ends[1] = 3 at offset 16 is not greater than the previous run end 5");
    assertOpenFails("ree", Chunks.reeRaw(FIXED1, 10, null, new long[] {0, 3, 10}, v3),
        "run_ends[0] = 0 at offset 12 is not greater than the previous run end 0");
    assertOpenFails("ree", Chunks.reeRaw(FIXED1, 10, null, new long[] {3, 5, 9}, v3),
        "run_ends[2] = 9 must equal the row count 10");
    assertOpenFails("ree", Chunks.reeRaw(FIXED1, 10, null, new long[] {3, 5, 11}, v3),
        "run_ends[2] = 11 must equal the row count 10");
    assertOpenFails("ree", Chunks.reeRaw(FIXED1, 10, null, new long[0], List.of()),
        "run_count is 0 for 10 rows");
    assertOpenFails("ree", Chunks.reeRaw(FIXED1, 0, null, new long[] {0}, List.of(new byte[] {1})),
        "run_count is 1 for 0 rows");
    assertOpenFails("ree", Chunks.reeRaw(BIT, 10, null, new long[] {3, 5, 10}, List.of(new byte[] {1}, new byte[] {2}, new byte[] {0})),
        "run value 1 at offset 25 is 2; BIT run values are 0 or 1");
    byte[] huge = withU32(Chunks.reeRaw(FIXED4, 10, null, new long[] {10}, List.of(new byte[4])), 8, 0xFFFFFFFFL);
    assertOpenFails("ree", huge, "truncated chunk: run_ends needs 17179869180 bytes");
  }

  @Test
  void reeVariableWindowAboveArrowOffsetsIsOneRun() {
    // One run of 300 000 copies of a 10 000-byte value: 3 GB of rows for the whole chunk, which the
    // run-end form (ABI v3) hands over as one run of 10 000 bytes; the host refuses to expand it.
    int n = 300_000;
    byte[] value = new byte[10_000];
    Arrays.fill(value, (byte) 'v');
    byte[] chunk = Chunks.reeRaw(VARIABLE, n, null, new long[] {n}, List.of(value));
    DecoderHarness h = new DecoderHarness("ree");
    int handle = h.open(chunk);
    assertEquals(0, h.decodeRaw(handle, 0, n), () -> h.error(handle));
    assertEquals(2, h.memory().readLong(h.descriptor + 32), "n_children: run-end form");
    TestColumn c = new TestColumn(VARIABLE, fill(n, value), null);
    Expected.check(c, h.decode(handle, VARIABLE, 123_456, 100), 123_456, 100);
    assertEquals(DecoderHarness.Form.RUN_END, h.lastForm);
  }

  @Test
  void reeVariableOffsets() {
    List<byte[]> v = List.of(new byte[] {1}, new byte[] {2, 3}, new byte[] {4});
    byte[] good = Chunks.reeRaw(VARIABLE, 6, null, new long[] {1, 4, 6}, v);
    // run_count at 8, run_ends at 12..23, offsets at 24: 0 1 3 4
    assertOpenFails("ree", withU32(good, 24, 1), "run value offsets[0] at offset 24 must be 0, found 1");
    assertOpenFails("ree", withU32(good, 28, 5), "run value offsets[2] = 3 at offset 32 is less than the previous offset 5");
    assertOpenFails("ree", withU32(good, 32, 0), "run value offsets[2] = 0 at offset 32 is less than the previous offset 1");
  }

  // ---- capsule.bitpack ----

  @Test
  void bitpackHeaderErrors() {
    TestColumn c = column("bitpack", FIXED4, 30, 5);
    byte[] chunk = Chunks.bitpack(c);
    int p = payload(c);
    for (int b : new int[] {57, 64, 255}) {
      assertOpenFails("bitpack", with(chunk, p + 8, b), "bit_width " + b + " at offset " + (p + 8) + " is above the maximum 56");
    }
    for (int k = 9; k < 16; k++) {
      assertOpenFails("bitpack", with(chunk, p + k, 1), "reserved bytes at offsets " + (p + 9) + ".." + (p + 15) + " must be 0");
    }
    assertOpenFails("bitpack", with(chunk, chunk.length - 3, 1), "the 8 padding bytes at offset " + (chunk.length - 8) + " must be 0");
    assertOpenFails("bitpack", Arrays.copyOf(chunk, chunk.length - 1), "truncated chunk: packed deltas and padding needs");
  }

  @Test
  void bitpackWidthsAndWrapAround() {
    Random rnd = new Random(6);
    for (PhysicalLayout layout : new PhysicalLayout[] {FIXED1, FIXED2, FIXED4, FIXED8}) {
      for (int bits = 0; bits <= 56; bits++) {
        int n = 77;
        long ref = rnd.nextLong();
        if (bits % 7 == 3) {
          ref = Long.MAX_VALUE - 3; // (reference + delta) wraps modulo 2^64
        }
        long[] deltas = new long[n];
        byte[][] rows = new byte[n][];
        for (int i = 0; i < n; i++) {
          deltas[i] = bits == 0 ? 0 : rnd.nextLong() >>> (64 - bits);
          long v = ref + deltas[i];
          rows[i] = new byte[layout.byteWidth()];
          for (int k = 0; k < rows[i].length; k++) {
            rows[i][k] = (byte) (v >>> (8 * k));
          }
        }
        TestColumn c = new TestColumn(layout, rows, null);
        DecoderHarness h = new DecoderHarness("bitpack");
        int handle = h.open(Chunks.bitpackRaw(layout, n, null, ref, bits, deltas));
        assertNotEquals(0, handle, () -> h.error(0));
        for (int[] w : Expected.windows(n, rnd)) {
          Expected.check(c, h.decode(handle, layout, w[0], w[1]), w[0], w[1]);
        }
      }
    }
  }

  // ---- capsule.dict ----

  @Test
  void dictHeaderErrors() {
    TestColumn c = column("dict", FIXED4, 30, 7);
    byte[] chunk = Chunks.dict(c);
    int p = payload(c);
    assertOpenFails("dict", Chunks.dictRaw(FIXED4, 3, null, List.of(), 0, new long[3]), "dict_size is 0 but the chunk has 3 rows");
    int d = (int) (chunk[p] & 0xFF);
    int bitsAt = p + 4 + 4 * d;
    for (int b : new int[] {33, 56, 255}) {
      assertOpenFails("dict", with(chunk, bitsAt, b), "code_bit_width " + b + " at offset " + bitsAt + " is above the maximum 32");
    }
    for (int k = 1; k < 4; k++) {
      assertOpenFails("dict", with(chunk, bitsAt + k, 1), "reserved bytes at offsets " + (bitsAt + 1) + ".." + (bitsAt + 3) + " must be 0");
    }
    assertOpenFails("dict", with(chunk, chunk.length - 1, 1), "padding bytes");
    assertOpenFails("dict", withU32(chunk, p, 0xFFFFFFF0L), "truncated chunk: dictionary values needs 17179869120 bytes at offset " + (p + 4));
    List<byte[]> e = List.of(new byte[] {1}, new byte[] {2, 3});
    byte[] var = Chunks.dictRaw(VARIABLE, 2, null, e, 1, new long[] {1, 0});
    assertOpenFails("dict", withU32(var, 16, 4), "dictionary offsets[2] = 3 at offset 20 is less than the previous offset 4");
    assertOpenFails("dict", withU32(var, 12, 2), "dictionary offsets[0] at offset 12 must be 0, found 2");
  }

  @TestFactory
  Stream<DynamicTest> dictCodeOutOfRange() {
    List<DynamicTest> tests = new ArrayList<>();
    for (PhysicalLayout layout : DecoderMatrixTest.LAYOUTS.get("dict")) {
      for (int badRow : new int[] {0, 5, 8, 13, 16, 39, 99}) {
        tests.add(dynamicTest(layout + " bad code at row " + badRow, () -> {
          int n = 100;
          Random rnd = new Random(badRow);
          List<byte[]> entries = new ArrayList<>();
          for (int k = 0; k < 5; k++) {
            entries.add(TestColumn.randomValue(layout, 0, 0, rnd));
          }
          long[] codes = new long[n];
          for (int i = 0; i < n; i++) {
            codes[i] = rnd.nextInt(5);
          }
          codes[badRow] = 5 + rnd.nextInt(3); // 3 bits: up to 7
          byte[] chunk = Chunks.dictRaw(layout, n, null, entries, 3, codes);
          String expect = "code " + codes[badRow] + " of row " + badRow + " is not below dict_size 5";
          assertDecodeFails("dict", chunk, 0, n, ECORRUPT, expect);
          assertDecodeFails("dict", chunk, badRow, 1, ECORRUPT, expect);
          assertDecodeFails("dict", chunk, Math.max(0, badRow - 9), Math.min(20, n - Math.max(0, badRow - 9)), ECORRUPT, expect);
          // Windows without the bad row decode.
          byte[][] rows = new byte[n][];
          for (int i = 0; i < n; i++) {
            rows[i] = codes[i] < 5 ? entries.get((int) codes[i]) : null;
          }
          TestColumn c = new TestColumn(layout, rows, null);
          DecoderHarness h = new DecoderHarness("dict");
          int handle = h.open(chunk);
          Expected.check(c, h.decode(handle, layout, 0, badRow), 0, badRow);
          Expected.check(c, h.decode(handle, layout, badRow + 1, n - badRow - 1), badRow + 1, n - badRow - 1);
        }));
      }
    }
    return tests.stream();
  }

  @Test
  void dictLongVariableValues() {
    // Windows of at least 6 rows (the dictionary's size) come in dictionary form, smaller ones are
    // gathered in wasm, with word copies for values up to 40 bytes and memory.copy for 20 000.
    Random rnd = new Random(9);
    List<byte[]> entries = new ArrayList<>();
    for (int k = 0; k < 6; k++) {
      byte[] v = new byte[k == 3 ? 20_000 : k == 5 ? 40 : rnd.nextInt(17)];
      rnd.nextBytes(v);
      entries.add(v);
    }
    int n = 1500;
    long[] codes = new long[n];
    byte[][] rows = new byte[n][];
    for (int i = 0; i < n; i++) {
      codes[i] = rnd.nextInt(10) == 0 ? 3 : rnd.nextInt(6);
      rows[i] = entries.get((int) codes[i]);
    }
    TestColumn c = new TestColumn(VARIABLE, rows, null);
    byte[] chunk = Chunks.dictRaw(VARIABLE, n, null, entries, 3, codes);
    DecoderHarness h = new DecoderHarness("dict");
    int handle = h.open(chunk);
    assertNotEquals(0, handle, () -> h.error(0));
    Set<DecoderHarness.Form> forms = EnumSet.noneOf(DecoderHarness.Form.class);
    for (int[] w : Expected.windows(n, rnd)) {
      Expected.check(c, h.decode(handle, VARIABLE, w[0], w[1]), w[0], w[1]);
      assertEquals(w[1] >= entries.size() ? DecoderHarness.Form.DICTIONARY : DecoderHarness.Form.PLAIN, h.lastForm,
          "rows " + w[0] + " + " + w[1]);
      forms.add(h.lastForm);
    }
    assertEquals(EnumSet.of(DecoderHarness.Form.DICTIONARY, DecoderHarness.Form.PLAIN), forms);
    codes[1200] = 7;
    assertDecodeFails("dict", Chunks.dictRaw(VARIABLE, n, null, entries, 3, codes), 0, n, ECORRUPT,
        "code 7 of row 1200 is not below dict_size 6");
  }

  @Test
  void dictSmallWindowOfLongValuesIsGatheredInTwoPasses() {
    // Windows smaller than the dictionary are gathered in wasm; 5 rows * 4 MB exceed its single-pass
    // reserve of 16 MiB, so it sizes the data first.
    Random rnd = new Random(10);
    List<byte[]> entries = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      byte[] v = new byte[k == 3 ? 4 << 20 : rnd.nextInt(30)];
      rnd.nextBytes(v);
      entries.add(v);
    }
    long[] codes = {0, 3, 1, 2, 3, 4, 5, 6, 7, 3, 0, 1};
    byte[][] rows = new byte[codes.length][];
    for (int i = 0; i < codes.length; i++) {
      rows[i] = entries.get((int) codes[i]);
    }
    TestColumn c = new TestColumn(VARIABLE, rows, null);
    DecoderHarness h = new DecoderHarness("dict");
    int handle = h.open(Chunks.dictRaw(VARIABLE, codes.length, null, entries, 3, codes));
    assertNotEquals(0, handle, () -> h.error(0));
    for (int[] w : new int[][] {{0, 5}, {1, 7}, {7, 5}, {4, 1}}) {
      Expected.check(c, h.decode(handle, VARIABLE, w[0], w[1]), w[0], w[1]);
      assertEquals(DecoderHarness.Form.PLAIN, h.lastForm);
    }
  }

  @Test
  void dictWideCodes() {
    // code_bit_width 32 with a small dictionary, and the b = 0 single-entry case.
    Random rnd = new Random(8);
    for (PhysicalLayout layout : DecoderMatrixTest.LAYOUTS.get("dict")) {
      TestColumn c = TestColumn.generate(layout, 150, Nulls.SOME, Shape.FEW_DISTINCT, 0, rnd);
      for (int bits : new int[] {3, 17, 32}) {
        DecoderHarness h = new DecoderHarness("dict");
        int handle = h.open(Chunks.dict(c, bits));
        assertNotEquals(0, handle, () -> h.error(0));
        for (int[] w : Expected.windows(c.n(), rnd)) {
          Expected.check(c, h.decode(handle, layout, w[0], w[1]), w[0], w[1]);
        }
      }
    }
  }
}
