package dev.capsule.writer.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.decoders.reference.ReferenceDecoders;
import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.decoders.ValueKind;
import dev.capsule.writer.encoding.TestColumns.Nulls;
import dev.capsule.writer.encoding.TestColumns.Shape;
import dev.capsule.writer.encoding.TestColumns.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EncodingSelectorTest {
  private static final Type INT32 = new Type(PhysicalLayout.FIXED4, ValueKind.SIGNED_INTEGER);
  private static final Type INT64 = new Type(PhysicalLayout.FIXED8, ValueKind.SIGNED_INTEGER);
  private static final Type UINT64 = new Type(PhysicalLayout.FIXED8, ValueKind.UNSIGNED_INTEGER);
  private static final Type FLOAT64 = new Type(PhysicalLayout.FIXED8, ValueKind.OPAQUE);
  private static final Type STRING = new Type(PhysicalLayout.VARIABLE, ValueKind.OPAQUE);

  private final EncodingSelector selector = EncodingSelector.builtIn();

  @Test
  void picksReeForLongRuns() {
    Random random = new Random(1);
    List<byte[]> rows = new ArrayList<>();
    for (int run = 0; run < 20; run++) {
      byte[] value = TestColumns.le(random.nextInt(), 4); // full int range: bitpack cannot compete
      for (int i = 0; i < 5000; i++) {
        rows.add(value);
      }
    }
    assertPicks("capsule.ree", TestColumns.of(INT32, rows));
  }

  /**
   * Runs of strings: capsule.ree stores 30 runs in 696 bytes, but Parquet's dictionary pages with
   * RLE indices, snappy-compressed, take half that, so the fallback wins, as the smallest must.
   */
  @Test
  void picksParquetWhereRleIndicesAndSnappyBeatRuns() {
    List<byte[]> rows = new ArrayList<>();
    for (int run = 0; run < 30; run++) {
      for (int i = 0; i < 1000; i++) {
        rows.add(("value number " + run).getBytes(StandardCharsets.UTF_8));
      }
    }
    EncodingSelector.Selection selection = assertPicks("capsule.parquet", TestColumns.of(STRING, rows));
    assertTrue(selection.estimates().get("capsule.ree") < selection.estimates().get("capsule.plain") / 100);
  }

  @Test
  void picksBitpackForNarrowIntegerRange() {
    Random random = new Random(2);
    List<byte[]> rows = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      rows.add(TestColumns.le(1_700_000_000_000L + random.nextInt(1000), 8));
    }
    EncodingSelector.Selection selection = assertPicks("capsule.bitpack", TestColumns.of(INT64, rows));
    assertEquals(10, selection.analysis().integerBitWidth());
  }

  @Test
  void picksBitpackForUnsignedValuesWithTheTopBitSet() {
    Random random = new Random(3);
    List<byte[]> rows = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      rows.add(TestColumns.le(0x8000_0000_0000_0000L + random.nextInt(100_000), 8));
    }
    assertPicks("capsule.bitpack", TestColumns.of(UINT64, rows));
  }

  @Test
  void picksDictForFewDistinctStrings() {
    Random random = new Random(4);
    String[] words = {"AIR", "FOB", "MAIL", "RAIL", "REG AIR", "SHIP", "TRUCK", "日本語"};
    List<byte[]> rows = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      rows.add(words[random.nextInt(words.length)].getBytes(StandardCharsets.UTF_8));
    }
    EncodingSelector.Selection selection = assertPicks("capsule.dict", TestColumns.of(STRING, rows));
    assertEquals(8, selection.analysis().dictionarySize());
    assertEquals(3, selection.analysis().dictionaryCodeWidth());
  }

  @Test
  void picksPlainForRandomDoubles() {
    Random random = new Random(5);
    List<byte[]> rows = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      rows.add(TestColumns.le(Double.doubleToLongBits(random.nextGaussian()), 8));
    }
    EncodingSelector.Selection selection = assertPicks("capsule.plain", TestColumns.of(FLOAT64, rows));
    // The analysis stopped counting distinct values once a dictionary could not win.
    assertFalse(selection.estimates().containsKey("capsule.dict"));
    assertEquals(-1, selection.analysis().dictionarySize());
    assertEquals(List.of("capsule.plain", "capsule.ree", "capsule.parquet"), List.copyOf(selection.estimates().keySet()));
  }

  /**
   * Stopping the distinct count early never changes the choice: over every test chunk, the
   * selection equals the smallest exact estimate, earliest encoding on ties.
   */
  @Test
  void choiceEqualsSmallestExactEstimate() {
    for (Type type : TestColumns.TYPES) {
      for (Shape shape : Shape.values()) {
        for (Nulls nulls : Nulls.values()) {
          ColumnValues values = TestColumns.build(type, shape, nulls, 42);
          if (values == null) {
            continue;
          }
          ColumnAnalysis exact = ColumnAnalysis.of(values);
          Encoding expected = null;
          long expectedSize = Long.MAX_VALUE;
          for (Encoding encoding : Encodings.builtIn()) {
            if (encoding.supports(exact) && encoding.estimateSize(exact) < expectedSize) {
              expected = encoding;
              expectedSize = encoding.estimateSize(exact);
            }
          }
          EncodingSelector.Selection selection = selector.select(values);
          String context = type + " " + shape + " " + nulls;
          assertSame(expected, selection.encoding(), context);
          assertEquals(expectedSize, selection.bytes().length, context);
          for (Map.Entry<String, Long> estimate : selection.estimates().entrySet()) {
            assertTrue(estimate.getValue() >= expectedSize, context + " " + estimate.getKey());
          }
        }
      }
    }
  }

  @Test
  void tiesGoToTheEarlierEncoding() {
    ColumnValues values = TestColumns.build(FLOAT64, Shape.RANDOM, Nulls.NONE, 6);
    long plainSize = Encodings.plain().estimateSize(ColumnAnalysis.of(values));
    Encoding samePlain = new FixedSizeEncoding("test.same-as-plain", plainSize);
    Encoding tinyA = new FixedSizeEncoding("test.tiny-a", 100);
    Encoding tinyB = new FixedSizeEncoding("test.tiny-b", 100);

    assertEquals("capsule.plain", selector.withExtra(List.of(samePlain)).select(values).encoding().name());
    assertEquals("test.tiny-a", selector.withExtra(List.of(samePlain, tinyA, tinyB)).select(values).encoding().name());
    assertEquals("test.tiny-b", selector.withExtra(List.of(tinyB, tinyA)).select(values).encoding().name());
  }

  @Test
  void emptyChunkIsPlain() {
    for (Type type : TestColumns.TYPES) {
      ColumnValues values = TestColumns.build(type, Shape.EMPTY, Nulls.NONE, 7);
      assertPicks("capsule.plain", values);
    }
  }

  @Test
  void selectionIsDeterministic() {
    ColumnValues values = TestColumns.build(STRING, Shape.UTF8, Nulls.SOME, 8);
    EncodingSelector.Selection a = selector.select(values);
    EncodingSelector.Selection b = EncodingSelector.builtIn().select(values);
    assertSame(a.encoding(), b.encoding());
    assertArrayEquals(a.bytes(), b.bytes());
    assertEquals(a.estimates(), b.estimates());
  }

  @Test
  void forcingAnEncodingThatDoesNotApplyNamesBoth() {
    ColumnValues doubles = TestColumns.build(FLOAT64, Shape.RANDOM, Nulls.NONE, 9);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> selector.force("capsule.bitpack", doubles));
    assertTrue(e.getMessage().contains("capsule.bitpack"), e.getMessage());
    assertTrue(e.getMessage().contains("FIXED8") && e.getMessage().contains("OPAQUE"), e.getMessage());

    ColumnValues bits = TestColumns.build(new Type(PhysicalLayout.BIT, ValueKind.OPAQUE), Shape.RANDOM, Nulls.NONE, 9);
    e = assertThrows(IllegalArgumentException.class, () -> selector.force("capsule.dict", bits));
    assertTrue(e.getMessage().contains("capsule.dict") && e.getMessage().contains("BIT"), e.getMessage());

    List<byte[]> wide = List.of(TestColumns.le(Long.MIN_VALUE, 8), TestColumns.le(Long.MAX_VALUE, 8));
    e = assertThrows(IllegalArgumentException.class, () -> selector.force("capsule.bitpack", TestColumns.of(INT64, wide)));
    assertTrue(e.getMessage().contains("64 bits"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> selector.force("capsule.zstd", doubles));
    assertTrue(e.getMessage().contains("capsule.zstd"), e.getMessage());
  }

  @Test
  void forcedDictWorksWhereSelectionWouldNotCountTheDictionary() {
    ColumnValues values = TestColumns.build(FLOAT64, Shape.RANDOM, Nulls.SOME, 10);
    EncodingSelector.Selection forced = selector.force("capsule.dict", values);
    assertEquals("capsule.dict", forced.encoding().name());
    assertEquals(forced.estimates().get("capsule.dict"), (long) forced.bytes().length);
    ColumnAssertions.assertRows(values, 0, values.rowCount(),
        ReferenceDecoders.forModule("dict").decodeAll(forced.bytes(), ValueKind.OPAQUE), false, "forced dict");
  }

  @Test
  void extraEncodingBringsItsOwnDecoderModule() {
    FixedSizeEncoding custom = new FixedSizeEncoding("test.custom", 1);
    EncodingSelector extended = selector.withExtra(List.of(custom));
    assertEquals(6, extended.encodings().size());
    assertSame(custom, extended.encoding("test.custom"));
    EncodingSelector.Selection selection = extended.force("test.custom", TestColumns.build(INT32, Shape.RANDOM, Nulls.NONE, 11));
    assertSame(custom, selection.encoding());
    assertArrayEquals(FixedSizeEncoding.MODULE_BYTES, selection.encoding().decoderModuleBytes());
    assertThrows(IllegalArgumentException.class, () -> extended.withExtra(List.of(new FixedSizeEncoding("capsule.plain", 1))));
  }

  @Test
  void estimatesListEverySupportingEncodingInOrder() {
    ColumnValues values = TestColumns.build(INT32, Shape.FEW_DISTINCT, Nulls.SOME, 12);
    Map<String, Long> estimates = selector.select(values).estimates();
    assertEquals(List.of("capsule.plain", "capsule.bitpack", "capsule.ree", "capsule.dict", "capsule.parquet"),
        List.copyOf(estimates.keySet()));
    // Forcing compares nothing, so it estimates the forced encoding alone.
    assertEquals(Map.of("capsule.ree", estimates.get("capsule.ree")), selector.force("capsule.ree", values).estimates());
  }

  private EncodingSelector.Selection assertPicks(String expected, ColumnValues values) {
    EncodingSelector.Selection selection = selector.select(values);
    assertEquals(expected, selection.encoding().name(), "estimates " + selection.estimates());
    assertEquals(selection.estimates().get(expected), (long) selection.bytes().length);
    ColumnAssertions.assertRows(values, 0, values.rowCount(),
        decoder(selection.encoding().decoderModule()).decodeAll(selection.bytes(), values.kind()),
        expected.equals("capsule.plain") || expected.equals("capsule.parquet"), expected);
    return selection;
  }

  private static dev.capsule.decoders.reference.ReferenceDecoder decoder(String module) {
    return Encodings.referenceDecoder(module);
  }

  /** A test-only encoding with a fixed estimate and a decoder module the project never shipped. */
  private static final class FixedSizeEncoding implements Encoding {
    static final byte[] MODULE_BYTES = {0, 'a', 's', 'm', 1, 0, 0, 0};
    private final String name;
    private final long size;

    FixedSizeEncoding(String name, long size) {
      this.name = name;
      this.size = size;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String decoderModule() {
      return "test-only";
    }

    @Override
    public byte[] decoderModuleBytes() {
      return MODULE_BYTES.clone();
    }

    @Override
    public boolean supports(ColumnAnalysis analysis) {
      return true;
    }

    @Override
    public long estimateSize(ColumnAnalysis analysis) {
      return size;
    }

    @Override
    public byte[] encode(ColumnValues values, ColumnAnalysis analysis) {
      return new byte[(int) size];
    }
  }
}
