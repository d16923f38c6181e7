package dev.capsule.decoders;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.capsule.format.PhysicalLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * ree.c writes runs of 1, 2, 4 and 8-byte values of up to 32 bytes with four stores, longer ones in
 * 128-byte blocks, and the rest of a run longer than 1024 bytes with memory.fill (all value bytes
 * equal) or doubling memory.copy. These runs sit on either side of each of those sizes, with values
 * of both kinds, decoded whole, in batches that start inside runs, and from every 37th row to the
 * end.
 */
class ReeRunLengthsTest {
  private static final int SHORT_RUN_BYTES = 32;
  private static final int BLOCK_BYTES = 128;
  private static final int LONG_RUN_BYTES = 1024;

  @TestFactory
  Stream<DynamicTest> runsAroundTheBlockAndLongRunSizes() {
    List<DynamicTest> tests = new ArrayList<>();
    for (PhysicalLayout layout : List.of(PhysicalLayout.FIXED1, PhysicalLayout.FIXED2, PhysicalLayout.FIXED4,
        PhysicalLayout.FIXED8)) {
      // a 1-byte value always has all its bytes equal
      for (boolean byteSplat : layout.byteWidth() == 1 ? new boolean[] {true} : new boolean[] {false, true}) {
        String name = layout + (byteSplat ? " values with equal bytes" : " values with mixed bytes");
        tests.add(dynamicTest(name, () -> {
          Random rnd = new Random(name.hashCode());
          TestColumn c = new TestColumn(layout, rows(layout.byteWidth(), byteSplat, rnd), null);
          DecoderHarness h = new DecoderHarness("ree");
          int handle = h.open(Chunks.encode("ree", c));
          assertNotEquals(0, handle, () -> "capsule_open failed: " + h.error(0));
          Expected.check(c, h.decode(handle, layout, 0, c.n()), 0, c.n());
          for (int batch : new int[] {1, 7, 100, 333}) {
            for (int first = 0; first < c.n(); first += batch) {
              int count = Math.min(batch, c.n() - first);
              Expected.check(c, h.decode(handle, layout, first, count), first, count);
            }
          }
          for (int first = 0; first < c.n(); first += 37) {
            Expected.check(c, h.decode(handle, layout, first, c.n() - first), first, c.n() - first);
          }
        }));
      }
    }
    return tests.stream();
  }

  /** Runs of each interesting length in rows, twice over, each with a value unlike its neighbour's. */
  private static byte[][] rows(int width, boolean byteSplat, Random rnd) {
    List<Integer> lengths = new ArrayList<>();
    for (int bytes : new int[] {SHORT_RUN_BYTES, BLOCK_BYTES, 2 * BLOCK_BYTES, LONG_RUN_BYTES,
        3 * LONG_RUN_BYTES + BLOCK_BYTES}) {
      for (int delta : new int[] {-width, 0, width}) {
        lengths.add(Math.max(1, (bytes + delta) / width));
      }
    }
    lengths.addAll(List.of(1, 2, 3, 5000));
    List<byte[]> rows = new ArrayList<>();
    byte[] previous = null;
    for (int round = 0; round < 2; round++) {
      for (int length : lengths) {
        byte[] value;
        do {
          value = new byte[width];
          if (byteSplat) {
            Arrays.fill(value, (byte) rnd.nextInt(256));
          } else {
            rnd.nextBytes(value);
            value[0] = (byte) (value[width - 1] ^ 0x55); // never all bytes equal (width > 1)
          }
        } while (Arrays.equals(value, previous));
        for (int k = 0; k < length; k++) {
          rows.add(value);
        }
        previous = value;
      }
    }
    return rows.toArray(new byte[0][]);
  }
}
