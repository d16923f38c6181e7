package dev.capsule.decoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.capsule.decoders.TestColumn.Nulls;
import dev.capsule.decoders.TestColumn.Shape;
import dev.capsule.format.PhysicalLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shipped encoding x every layout it supports x null pattern x data shape, decoded through
 * Chicory's compiler for many windows (whole chunk, byte-crossing windows, last row, empty,
 * random) and in consecutive batches, against the rows the chunk was built from.
 */
class DecoderMatrixTest {
  /** The word widths, odd and wide widths (FIXED3, FIXED12, FIXED32, the widest), BIT and VARIABLE. */
  static final List<PhysicalLayout> ALL_LAYOUTS = List.of(PhysicalLayout.BIT, PhysicalLayout.FIXED1,
      PhysicalLayout.FIXED2, PhysicalLayout.fixed(3), PhysicalLayout.FIXED4, PhysicalLayout.fixed(5),
      PhysicalLayout.FIXED8, PhysicalLayout.fixed(12), PhysicalLayout.FIXED16, PhysicalLayout.fixed(32),
      PhysicalLayout.fixed(PhysicalLayout.MAX_FIXED_WIDTH), PhysicalLayout.VARIABLE);

  /** The modules of Capsule's own chunk formats (SPEC 7.1-7.4), all with the validity bitmap. */
  static final List<String> NATIVE = List.of("plain", "ree", "bitpack", "dict");

  static final Map<String, List<PhysicalLayout>> LAYOUTS = Map.of(
      "plain", ALL_LAYOUTS,
      "ree", ALL_LAYOUTS,
      "bitpack", List.of(PhysicalLayout.FIXED1, PhysicalLayout.FIXED2, PhysicalLayout.FIXED4, PhysicalLayout.FIXED8,
          PhysicalLayout.FIXED16, PhysicalLayout.fixed(32)),
      "dict", ALL_LAYOUTS.subList(1, ALL_LAYOUTS.size()),
      "parquet", ALL_LAYOUTS);

  /** bitpack encodes values that span at most 56 bits; keep FIXED8 and wider values in a 2^40 window. */
  static int maxBits(String module, PhysicalLayout layout) {
    return module.equals("bitpack") && layout.byteWidth() >= 8 ? 40 : 0;
  }

  @TestFactory
  Stream<DynamicTest> everyEncodingLayoutNullsAndShape() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String module : ShippedDecoders.modules()) {
      for (PhysicalLayout layout : LAYOUTS.get(module)) {
        for (Nulls nulls : Nulls.values()) {
          for (Shape shape : Shape.values()) {
            String name = module + " " + layout + " nulls=" + nulls + " shape=" + shape;
            tests.add(dynamicTest(name, () -> {
              Random rnd = new Random(name.hashCode());
              int n = shape == Shape.RUNS ? 2000 + rnd.nextInt(8) : 203;
              TestColumn c = TestColumn.generate(layout, n, nulls, shape, maxBits(module, layout), rnd);
              decodeEverything(module, c, rnd);
            }));
          }
        }
      }
    }
    return tests.stream();
  }

  static void decodeEverything(String module, TestColumn c, Random rnd) {
    DecoderHarness h = new DecoderHarness(module);
    int handle = h.open(Chunks.encode(module, c));
    assertNotEquals(0, handle, () -> "capsule_open failed: " + h.error(0));
    for (int[] w : Expected.windows(c.n(), rnd)) {
      Expected.check(c, h.decode(handle, c.layout(), w[0], w[1]), w[0], w[1]);
    }
    for (int batch : new int[] {64, 1000}) {
      for (int first = 0; first < c.n(); first += batch) {
        int count = Math.min(batch, c.n() - first);
        Expected.check(c, h.decode(handle, c.layout(), first, count), first, count);
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> emptyAndSingleRowChunks() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String module : ShippedDecoders.modules()) {
      for (PhysicalLayout layout : LAYOUTS.get(module)) {
        for (int n : new int[] {0, 1}) {
          for (Nulls nulls : new Nulls[] {Nulls.NONE, Nulls.ALL}) {
            String name = module + " " + layout + " n=" + n + " nulls=" + nulls;
            tests.add(dynamicTest(name, () -> {
              Random rnd = new Random(name.hashCode());
              TestColumn c = TestColumn.generate(layout, n, nulls, Shape.RANDOM, maxBits(module, layout), rnd);
              DecoderHarness h = new DecoderHarness(module);
              int handle = h.open(Chunks.encode(module, c));
              assertNotEquals(0, handle, () -> "capsule_open failed: " + h.error(0));
              Expected.check(c, h.decode(handle, layout, 0, n), 0, n);
              Expected.check(c, h.decode(handle, layout, n, 0), n, 0);
            }));
          }
        }
      }
    }
    return tests.stream();
  }

  /** Several chunks open at once on one instance; outputs of one decode survive capsule_alloc. */
  @TestFactory
  Stream<DynamicTest> manyHandlesOnOneInstance() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String module : ShippedDecoders.modules()) {
      tests.add(dynamicTest(module, () -> {
        Random rnd = new Random(module.hashCode());
        DecoderHarness h = new DecoderHarness(module);
        List<TestColumn> columns = new ArrayList<>();
        List<Integer> handles = new ArrayList<>();
        for (PhysicalLayout layout : LAYOUTS.get(module)) {
          TestColumn c = TestColumn.generate(layout, 100 + rnd.nextInt(100), Nulls.SOME, Shape.RUNS,
              maxBits(module, layout), rnd);
          columns.add(c);
          handles.add(h.open(Chunks.encode(module, c)));
          assertNotEquals(0, handles.get(handles.size() - 1), () -> h.error(0));
        }
        for (int round = 0; round < 3; round++) {
          for (int k = 0; k < columns.size(); k++) {
            TestColumn c = columns.get(k);
            int first = rnd.nextInt(c.n());
            int count = rnd.nextInt(c.n() - first + 1);
            h.decode(handles.get(k), c.layout(), first, count);
            // capsule_alloc after a decode must not clobber its output.
            int junk = h.alloc(1000);
            assertNotEquals(0, junk);
            byte[] fill = new byte[1000];
            java.util.Arrays.fill(fill, (byte) 0x5A);
            h.memory().write(junk, fill);
            Expected.check(c, h.readDescriptor(c.layout(), count), first, count);
          }
        }
        assertEquals("", h.error(handles.get(0)));
      }));
    }
    return tests.stream();
  }
}
