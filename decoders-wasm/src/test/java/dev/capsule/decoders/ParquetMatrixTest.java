package dev.capsule.decoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.capsule.decoders.ParquetChunks.Options;
import dev.capsule.decoders.ParquetRows.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * capsule.parquet chunks whose pages parquet-java's own column writers produced, for seeded random
 * data: every physical type x required/optional x PLAIN-only, dictionary and dictionary with
 * fallback to PLAIN x uncompressed/snappy x data page v1/v2, several pages per chunk, decoded in
 * every batch shape and compared with the values written.
 */
class ParquetMatrixTest {
  enum Values { PLAIN_ONLY, DICTIONARY, DICTIONARY_FALLBACK }

  record Type(PrimitiveTypeName name, int typeLength, int approxWidth) {
    @Override
    public String toString() {
      return name == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY ? "FLBA(" + typeLength + ")" : name.toString();
    }
  }

  static final List<Type> TYPES = List.of(
      new Type(PrimitiveTypeName.BOOLEAN, 0, 1),
      new Type(PrimitiveTypeName.INT32, 0, 4),
      new Type(PrimitiveTypeName.INT64, 0, 8),
      new Type(PrimitiveTypeName.INT96, 0, 12),
      new Type(PrimitiveTypeName.FLOAT, 0, 4),
      new Type(PrimitiveTypeName.DOUBLE, 0, 8),
      new Type(PrimitiveTypeName.BINARY, 0, 20),
      new Type(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, 16, 16),
      new Type(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, 5, 5));

  static final int PAGE_ROWS = 487;

  @TestFactory
  Stream<DynamicTest> parquetJavaPages() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Type type : TYPES) {
      for (boolean optional : new boolean[] {false, true}) {
        for (Values values : Values.values()) {
          for (int codec : new int[] {ParquetChunks.UNCOMPRESSED, ParquetChunks.SNAPPY}) {
            for (boolean v2 : new boolean[] {false, true}) {
              String name = type + (optional ? " optional " : " required ") + values
                  + (codec == 1 ? " snappy" : " uncompressed") + (v2 ? " v2" : " v1");
              tests.add(dynamicTest(name, () -> run(type, optional, values, codec, v2, name, -1)));
            }
          }
        }
      }
    }
    // INT32 into FIXED1 and FIXED2: the low bytes of each value.
    for (int layout : new int[] {1, 2}) {
      for (Values values : Values.values()) {
        for (boolean optional : new boolean[] {false, true}) {
          String name = "INT32 as FIXED" + layout + (optional ? " optional " : " required ") + values;
          tests.add(dynamicTest(name, () -> run(TYPES.get(1), optional, values, layout - 1, optional, name, layout)));
        }
      }
    }
    return tests.stream();
  }

  static void run(Type type, boolean optional, Values values, int codec, boolean v2, String name,
                  int layoutOverride) {
    Random rnd = new Random(name.hashCode());
    int n = 3000 + rnd.nextInt(100);
    boolean bool = type.name() == PrimitiveTypeName.BOOLEAN;
    // RLE_DICTIONARY (PARQUET_2_0 value writers) for half of the dictionary cases; never for
    // booleans (their PARQUET_2_0 encoding is RLE) nor with fallback (it falls back to DELTA_*).
    // FIXED_LEN_BYTE_ARRAY gets a dictionary from the PARQUET_2_0 value writers only.
    boolean flba = type.name() == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
    boolean rleDictionary = values == Values.DICTIONARY && !bool && (optional ^ v2 || flba);
    int dictBytes = values == Values.DICTIONARY_FALLBACK ? PAGE_ROWS * type.approxWidth() * 3 / 2 : 1 << 20;
    Options o = Options.defaults().pages(v2).codec(codec)
        .dictionary(values != Values.PLAIN_ONLY, rleDictionary)
        .limits(PAGE_ROWS, 1 << 20, dictBytes)
        .extras(rnd.nextBoolean(), rnd.nextBoolean());
    PrimitiveType column = ParquetChunks.column(type.name(), type.typeLength(), optional);
    Object[] data = ParquetRows.generate(type.name(), type.typeLength(), optional,
        values == Values.DICTIONARY ? Shape.FEW_DISTINCT
            : values == Values.DICTIONARY_FALLBACK ? Shape.FEW_THEN_MANY : Shape.MANY_DISTINCT, n, rnd);
    int layout = layoutOverride > 0 ? layoutOverride : ParquetChunks.layoutCode(type.name(), type.typeLength());

    ParquetChunks.Capture capture = ParquetChunks.write(column, data, o);
    assertTrue(capture.data.size() >= 6, "pages: " + capture.data.size());
    List<Encoding> encodings = ParquetChunks.dataEncodings(capture);
    // parquet-java writes booleans PLAIN only, and FIXED_LEN_BYTE_ARRAY falls back to
    // DELTA_BYTE_ARRAY (not PLAIN) when it has a dictionary: no fallback case for these.
    if (values == Values.PLAIN_ONLY || bool || flba && values == Values.DICTIONARY_FALLBACK) {
      assertTrue(encodings.stream().allMatch(e -> e == Encoding.PLAIN), encodings::toString);
      assertNull(capture.dictionary);
    } else if (values == Values.DICTIONARY) {
      Encoding expect = rleDictionary ? Encoding.RLE_DICTIONARY : Encoding.PLAIN_DICTIONARY;
      assertTrue(encodings.stream().allMatch(e -> e == expect), encodings::toString);
    } else {
      assertTrue(encodings.contains(Encoding.PLAIN_DICTIONARY) && encodings.contains(Encoding.PLAIN),
          () -> "expected a fallback from dictionary to PLAIN: " + encodings);
    }

    byte[] chunk = ParquetChunks.chunk(column, data, o, layout);
    ParquetRows rows = ParquetRows.of(data, layout);
    DecoderHarness h = new DecoderHarness("parquet");
    int handle = h.open(chunk);
    assertNotEquals(0, handle, () -> "capsule_open failed: " + h.error(0));
    rows.decodeAllShapes(h, handle, rnd, name);
    assertEquals("", h.error(handle));
  }
}
