package dev.capsule.decoders;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.capsule.decoders.TestColumn.Nulls;
import dev.capsule.decoders.TestColumn.Shape;
import dev.capsule.format.PhysicalLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded random corruption of valid chunks. Whatever the bytes, every call returns (no trap), a
 * failure comes with a message, a success produces a descriptor a distrustful reader accepts
 * (but for capsule.plain's offsets inside a window, which only the reader checks), and
 * the decoder never touches the guard zones around the chunk nor writes into it.
 */
class MalformedChunkFuzzTest {
  private static final int ROUNDS = Integer.getInteger("capsule.fuzz.rounds", 250);
  private static final long[] INTERESTING = {0, 1, 2, 7, 8, 63, 64, 255, 256, 0x7FFFFFFFL,
      0x80000000L, 0xFFFFFFFFL, 0xFFFFFFF8L};

  @TestFactory
  Stream<DynamicTest> corruptedChunks() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String module : ShippedDecoders.modules()) {
      for (PhysicalLayout layout : DecoderMatrixTest.LAYOUTS.get(module)) {
        String name = module + " " + layout;
        tests.add(dynamicTest(name, () -> fuzz(module, layout, new Random(name.hashCode()))));
      }
    }
    // capsule.parquet: chunks of every physical type, page version, codec and encoding, with
    // mutations aimed at the Thrift page headers and the snappy streams too.
    for (ParquetMatrixTest.Type type : ParquetMatrixTest.TYPES) {
      String name = "parquet pages " + type;
      tests.add(dynamicTest(name, () -> fuzzParquet(type, new Random(name.hashCode()))));
    }
    return tests.stream();
  }

  private static void fuzzParquet(ParquetMatrixTest.Type type, Random rnd) {
    DecoderHarness h = null;
    int layout = ParquetChunks.layoutCode(type.name(), type.typeLength());
    int accepted = 0;
    for (int round = 0; round < ROUNDS; round++) {
      if (round % 100 == 0) { // guard zones accumulate per chunk: a fresh instance now and then
        h = new DecoderHarness("parquet", new MemoryLimits(2, 1024));
      }
      boolean optional = rnd.nextBoolean();
      Object[] values = ParquetRows.generate(type.name(), type.typeLength(), optional,
          ParquetRows.Shape.values()[rnd.nextInt(3)], 1 + rnd.nextInt(1300), rnd);
      ParquetChunks.Options o = ParquetChunks.Options.defaults().pages(rnd.nextBoolean())
          .codec(rnd.nextInt(2)).dictionary(rnd.nextBoolean(), false)
          .limits(1 + rnd.nextInt(400), 1 << 20, 64 + rnd.nextInt(4000))
          .extras(rnd.nextBoolean(), rnd.nextBoolean());
      byte[] chunk = ParquetChunks.chunk(ParquetChunks.column(type.name(), type.typeLength(), optional), values, o);
      chunk = rnd.nextInt(3) == 0 ? mutateHeaderArea(chunk, rnd) : mutate(chunk, rnd);
      int handle = h.open(chunk);
      if (handle == 0) {
        assertFalse(h.error(0).isEmpty(), "capsule_open failed without a message");
        continue;
      }
      accepted++;
      long n = (chunk[0] & 0xFFL) | (chunk[1] & 0xFFL) << 8 | (chunk[2] & 0xFFL) << 16 | (chunk[3] & 0xFFL) << 24;
      for (int k = 0; k < 4; k++) {
        long first = k == 0 || n == 0 ? 0 : (rnd.nextLong() >>> 1) % n;
        long count = k == 0 ? n : Math.min(n - first, rnd.nextInt(700));
        int rc = h.decodeRaw(handle, (int) first, (int) count);
        if (rc != 0) {
          assertTrue(rc >= 1 && rc <= 3, "return code " + rc);
          assertFalse(h.error(handle).isEmpty(), "capsule_decode failed without a message");
          continue;
        }
        h.readDescriptor(layout, (int) count);
      }
    }
    assertTrue(accepted > 0, "no corrupted chunk was accepted; the fuzzer only exercises open");
  }

  /** Byte changes in the first 64 bytes of a page: Thrift headers, level and snappy preambles. */
  static byte[] mutateHeaderArea(byte[] chunk, Random rnd) {
    byte[] c = chunk.clone();
    int page = 16 + (c.length > 16 ? rnd.nextInt(c.length - 16) : 0);
    for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
      int at = Math.min(c.length - 1, page + rnd.nextInt(64));
      switch (rnd.nextInt(4)) {
        case 0: c[at] = (byte) rnd.nextInt(256); break;
        case 1: c[at] ^= (byte) 0x80; break; // varint continuation
        case 2: c[at] = (byte) ((c[at] & 0xF0) | rnd.nextInt(16)); break; // compact type nibble
        default: c[at] = (byte) (c[at] + (rnd.nextBoolean() ? 1 : -1)); break;
      }
    }
    return c;
  }

  private static void fuzz(String module, PhysicalLayout layout, Random rnd) {
    // A host cap of 64 MiB, so that rows counts blown up by corruption end in "out of memory".
    DecoderHarness h = null;
    int accepted = 0;
    for (int round = 0; round < ROUNDS; round++) {
      if (round % 250 == 0) { // guard zones accumulate per chunk: a fresh instance now and then
        h = new DecoderHarness(module, new MemoryLimits(2, 1024));
        h.offsetsMayDecrease = module.equals(ShippedDecoders.PLAIN); // the host's check (SPEC 9.2)
      }
      Nulls nulls = Nulls.values()[rnd.nextInt(3)];
      Shape shape = Shape.values()[rnd.nextInt(3)];
      TestColumn c = TestColumn.generate(layout, 1 + rnd.nextInt(60), nulls, shape,
          DecoderMatrixTest.maxBits(module, layout), rnd);
      byte[] chunk = mutate(Chunks.encode(module, c), rnd);
      int handle = h.open(chunk);
      if (handle == 0) {
        assertFalse(h.error(0).isEmpty(), "capsule_open failed without a message");
        continue;
      }
      accepted++;
      long n = chunk.length >= 4 ? (chunk[0] & 0xFFL) | (chunk[1] & 0xFFL) << 8
          | (chunk[2] & 0xFFL) << 16 | (chunk[3] & 0xFFL) << 24 : 0;
      for (int k = 0; k < 6; k++) {
        long first = n == 0 ? 0 : (rnd.nextLong() >>> 1) % Math.min(n + 2, 1 << 20);
        long count = k == 0 ? Math.min(n, 5000) : rnd.nextInt(200);
        if (k == 1) {
          first = 0;
          count = n; // the whole chunk, however large the corrupted row count
        }
        int rc = h.decodeRaw(handle, (int) first, (int) count);
        if (rc != 0) {
          assertTrue(rc >= 1 && rc <= 3, "return code " + rc);
          assertFalse(h.error(handle).isEmpty(), "capsule_decode failed without a message");
          continue;
        }
        assertTrue(first + count <= n, "decoded rows past the row count");
        if (count <= 5000) {
          h.readDescriptor(layout, (int) count);
        }
      }
    }
    assertTrue(accepted > 0, "no corrupted chunk was accepted; the fuzzer only exercises open");
  }

  static byte[] mutate(byte[] chunk, Random rnd) {
    byte[] c = chunk.clone();
    switch (rnd.nextInt(6)) {
      case 0: // a few random bytes
        for (int k = 1 + rnd.nextInt(3); k > 0 && c.length > 0; k--) {
          c[rnd.nextInt(c.length)] = (byte) rnd.nextInt(256);
        }
        return c;
      case 1: // one bit
        if (c.length > 0) {
          int i = rnd.nextInt(c.length);
          c[i] ^= (byte) (1 << rnd.nextInt(8));
        }
        return c;
      case 2: // an interesting u32 anywhere (lengths, counts, offsets, run ends)
        if (c.length >= 4) {
          int at = rnd.nextInt(c.length - 3);
          long v = rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)] : c.length + rnd.nextInt(9) - 4;
          for (int k = 0; k < 4; k++) {
            c[at + k] = (byte) (v >>> (8 * k));
          }
        }
        return c;
      case 3: // truncate
        return Arrays.copyOf(c, rnd.nextInt(c.length + 1));
      case 4: // extend
        byte[] longer = Arrays.copyOf(c, c.length + 1 + rnd.nextInt(16));
        return longer;
      default: // the row count, keeping the rest
        if (c.length >= 4) {
          long v = rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)] : rnd.nextInt(100);
          for (int k = 0; k < 4; k++) {
            c[k] = (byte) (v >>> (8 * k));
          }
        }
        return c;
    }
  }
}
