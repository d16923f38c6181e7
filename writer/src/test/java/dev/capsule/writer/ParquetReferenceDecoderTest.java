package dev.capsule.writer;

import static dev.capsule.decoders.ParquetChunkBytes.cat;
import static dev.capsule.decoders.ParquetChunkBytes.chunkHeader;
import static dev.capsule.decoders.ParquetChunkBytes.dictionary;
import static dev.capsule.decoders.ParquetChunkBytes.int32;
import static dev.capsule.decoders.ParquetChunkBytes.ints;
import static dev.capsule.decoders.ParquetChunkBytes.pageHeader;
import static dev.capsule.decoders.ParquetChunkBytes.v1;
import static dev.capsule.decoders.ParquetChunkBytes.v2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.decoders.ValueKind;
import dev.capsule.format.CapsuleFormatException.Location;
import dev.capsule.format.Checksums;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.reader.wasm.ChunkDecoder;
import dev.capsule.reader.wasm.CompiledDecoder;
import dev.capsule.reader.wasm.DecodeLimits;
import dev.capsule.reader.wasm.DecoderCache;
import dev.capsule.writer.encoding.Encoding;
import dev.capsule.writer.encoding.Encodings;
import dev.capsule.writer.encoding.ParquetChunkDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The plain-Java reference decoder of capsule.parquet ({@link ParquetChunkDecoder}) against the
 * shipped wasm module: every chunk SPEC.md section 7.6 forbids is an IllegalArgumentException in
 * Java and an error in wasm, never another exception; chunks with sub-headers of other page types
 * decode alike; and randomly damaged chunks of every physical type and page version get the same
 * answer from both, values included.
 */
class ParquetReferenceDecoderTest {
  private static final ParquetChunkDecoder JAVA = new ParquetChunkDecoder();
  private static final org.apache.parquet.format.Encoding PLAIN = org.apache.parquet.format.Encoding.PLAIN;
  private static final org.apache.parquet.format.Encoding RLE = org.apache.parquet.format.Encoding.RLE;

  // ---- decoding both ways (chunks are built by hand with decoders-wasm's ParquetChunkBytes) ----

  /** The Arrow field whose layout is the chunk's layout code. */
  static Field field(byte[] chunk) {
    PhysicalLayout layout = PhysicalLayout.fromCode(chunk[4] & 0xFF);
    ArrowType type = switch (layout.kind()) {
      case BIT -> ArrowType.Bool.INSTANCE;
      case VARIABLE -> ArrowType.Binary.INSTANCE;
      case FIXED -> new ArrowType.FixedSizeBinary(layout.byteWidth());
    };
    return new Field("c", FieldType.nullable(type), null);
  }

  /** What the wasm module makes of every row of the chunk: the vector, or null if it fails. */
  static FieldVector wasm(byte[] chunk, BufferAllocator allocator) {
    byte[] module = Encodings.parquet().decoderModuleBytes();
    Location where = new Location("test", 0, "c", 0);
    Field field = field(chunk);
    long rows = chunk.length >= 4 ? ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xFFFFFFFFL : 0;
    try {
      CompiledDecoder compiled = DecoderCache.shared().get(module, Checksums.sha256(module), where);
      try (ChunkDecoder decoder = ChunkDecoder.open(compiled, ByteBuffer.wrap(chunk), field, DecodeLimits.defaults(),
          where)) {
        FieldVector vector = field.createVector(allocator);
        try {
          decoder.decodeInto(0, (int) rows, vector);
          return vector;
        } catch (IOException e) {
          vector.close();
          return null;
        }
      }
    } catch (IOException e) {
      return null;
    }
  }

  /** What the Java reference makes of every row: its values, or null for an IllegalArgumentException. */
  static ColumnValues java(byte[] chunk) {
    try {
      return JAVA.decodeAll(chunk, ValueKind.OPAQUE);
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().startsWith("malformed capsule.parquet chunk at byte offset "), e.getMessage());
      return null;
    } catch (RuntimeException | Error e) {
      throw new AssertionError("not an IllegalArgumentException: " + e, e);
    }
  }

  /** Both decoders reject the chunk; the Java one with an IllegalArgumentException naming the fragment. */
  static void assertBothReject(byte[] chunk, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JAVA.decodeAll(chunk, ValueKind.OPAQUE));
    assertTrue(e.getMessage().startsWith("malformed capsule.parquet chunk at byte offset "), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    try (BufferAllocator allocator = new RootAllocator()) {
      FieldVector v = wasm(chunk, allocator);
      if (v != null) {
        v.close();
        fail("the wasm decoder accepted what Java rejects: " + e.getMessage());
      }
    }
  }

  /** Both decoders accept the chunk and agree on every row. */
  static void assertBothDecode(byte[] chunk, String context) {
    ColumnValues expected = java(chunk);
    assertNotNull(expected, context + ": the Java reference rejected the chunk");
    try (BufferAllocator allocator = new RootAllocator(); FieldVector got = wasm(chunk, allocator)) {
      assertNotNull(got, context + ": the wasm decoder rejected the chunk");
      DecodedAssert.assertSameAsReference(expected, got, context);
    }
  }

  // ---- tests ----

  @Test
  void subHeadersOfOtherPageTypesAreIgnored() {
    DictionaryPageHeader otherDictionary = new DictionaryPageHeader(99, RLE);
    DataPageHeaderV2 otherV2 = new DataPageHeaderV2(7, 0, 7, org.apache.parquet.format.Encoding.DELTA_BINARY_PACKED, 0, 0);
    DataPageHeader otherV1 = new DataPageHeader(99, org.apache.parquet.format.Encoding.DELTA_BINARY_PACKED,
        org.apache.parquet.format.Encoding.BIT_PACKED, RLE);
    PageHeader data = new PageHeader(PageType.DATA_PAGE, 8, 8);
    data.setData_page_header(new DataPageHeader(2, PLAIN, RLE, RLE));
    data.setDictionary_page_header(otherDictionary);
    data.setData_page_header_v2(otherV2);
    PageHeader dataV2 = new PageHeader(PageType.DATA_PAGE_V2, 8, 8);
    dataV2.setData_page_header(otherV1);
    dataV2.setDictionary_page_header(otherDictionary);
    dataV2.setData_page_header_v2(new DataPageHeaderV2(2, 0, 2, PLAIN, 0, 0));
    PageHeader dict = new PageHeader(PageType.DICTIONARY_PAGE, 8, 8);
    dict.setData_page_header(otherV1);
    dict.setDictionary_page_header(new DictionaryPageHeader(2, PLAIN));
    dict.setData_page_header_v2(otherV2);
    byte[][] chunks = {
        int32(2, pageHeader(data), ints(7, -2)),
        int32(2, pageHeader(dataV2), ints(7, -2)),
        int32(2, pageHeader(dict), ints(10, 20), v1(2, org.apache.parquet.format.Encoding.RLE_DICTIONARY, new byte[] {1, 3, 1})),
    };
    for (byte[] chunk : chunks) {
      assertBothDecode(chunk, "sub-headers");
    }
    assertArrayEquals(ints(7, -2), JAVA.decodeAll(chunks[0], ValueKind.OPAQUE).data());
    assertArrayEquals(ints(7, -2), JAVA.decodeAll(chunks[1], ValueKind.OPAQUE).data());
    assertArrayEquals(ints(20, 10), JAVA.decodeAll(chunks[2], ValueKind.OPAQUE).data());
  }

  @TestFactory
  Stream<DynamicTest> malformedChunksAreTypedErrorsInJavaAndErrorsInWasm() {
    Map<String, byte[]> bad = new LinkedHashMap<>();
    Map<String, String> fragment = new LinkedHashMap<>();
    byte[] good = int32(2, v1(2, PLAIN, ints(7, -2)));
    java.util.function.BiConsumer<String, Object[]> add = (name, chunkAndFragment) -> {
      bad.put(name, (byte[]) chunkAndFragment[0]);
      fragment.put(name, (String) chunkAndFragment[1]);
    };
    // The column header.
    add.accept("reserved byte 11", new Object[] {with(good, 11, 1), "reserved byte must be 0, found 1"});
    add.accept("type_length for INT32", new Object[] {with(good, 12, 4), "type_length is 4; it must be 0"});
    add.accept("FLBA type_length != width", new Object[] {with(with(good, 8, 7), 12, 5), "type_length is 5; it must be 4"});
    add.accept("validity flag", new Object[] {with(good, 5, 1), "carry no validity bitmap"});
    add.accept("reserved 6..7", new Object[] {with(good, 7, 1), "reserved"});
    add.accept("physical type 8", new Object[] {with(good, 8, 8), "unknown Parquet physical type 8"});
    add.accept("codec 2", new Object[] {with(good, 9, 2), "compression codec 2"});
    add.accept("max definition 2", new Object[] {with(good, 10, 2), "max definition level 2"});
    add.accept("FIXED12 with INT32", new Object[] {with(good, 4, 12), "does not go with Parquet physical type 1"});
    add.accept("FIXED4 with INT96", new Object[] {with(good, 8, 3), "does not go with Parquet physical type 3"});
    add.accept("VARIABLE with FLBA", new Object[] {with(with(good, 4, 255), 8, 7), "does not go with Parquet physical type 7"});
    add.accept("short column header", new Object[] {Arrays.copyOf(good, 12), "truncated chunk"});
    // Page headers and the page sequence.
    PageHeader negative = new PageHeader(PageType.DATA_PAGE, -5, 8);
    negative.setData_page_header(new DataPageHeader(2, PLAIN, RLE, RLE));
    add.accept("negative uncompressed size", new Object[] {int32(2, pageHeader(negative), ints(7, -2)),
        "uncompressed_page_size is negative"});
    negative.setCompressed_page_size(-1);
    negative.setUncompressed_page_size(8);
    add.accept("negative compressed size", new Object[] {int32(2, pageHeader(negative), ints(7, -2)),
        "compressed_page_size is negative"});
    PageHeader snappyLie = new PageHeader(PageType.DATA_PAGE, Integer.MAX_VALUE, 6);
    snappyLie.setData_page_header(new DataPageHeader(2, PLAIN, RLE, RLE));
    add.accept("huge uncompressed size", new Object[] {cat(chunkHeader(2, 4, 0, 1, 1, 0, 0, 0), pageHeader(snappyLie),
        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0}), "cannot hold 2147483647 bytes"});
    add.accept("row sum", new Object[] {int32(3, v1(2, PLAIN, ints(7, -2))), "the data pages hold 2 rows but the chunk header says 3"});
    add.accept("past the row count", new Object[] {int32(1, v1(2, PLAIN, ints(7, -2))), "goes past row 1"});
    add.accept("no rows but a data page", new Object[] {int32(0, v1(0, PLAIN, new byte[0])), "the chunk has 0 rows"});
    add.accept("index page", new Object[] {int32(2, pageHeader(new PageHeader(PageType.INDEX_PAGE, 0, 0)),
        v1(2, PLAIN, ints(7, -2))), "INDEX_PAGE"});
    add.accept("dictionary after data", new Object[] {int32(2, v1(2, PLAIN, ints(7, -2)), dictionary(1, ints(5))),
        "comes after a data page"});
    add.accept("two dictionaries", new Object[] {int32(2, dictionary(1, ints(5)), dictionary(1, ints(5)),
        v1(2, PLAIN, ints(7, -2))), "second dictionary page"});
    add.accept("boolean dictionary", new Object[] {cat(chunkHeader(2, 0, 0, 0, 0, 0, 0, 0), dictionary(1, new byte[] {1}),
        v1(2, PLAIN, new byte[] {1})), "in a BOOLEAN column"});
    PageHeader rleDictionary = new PageHeader(PageType.DICTIONARY_PAGE, 4, 4);
    rleDictionary.setDictionary_page_header(new DictionaryPageHeader(1, RLE));
    add.accept("dictionary encoding RLE", new Object[] {int32(2, pageHeader(rleDictionary), ints(5),
        v1(2, PLAIN, ints(7, -2))), "PLAIN (0) or PLAIN_DICTIONARY (2) expected"});
    add.accept("DELTA_BINARY_PACKED", new Object[] {int32(2, v1(2, org.apache.parquet.format.Encoding.DELTA_BINARY_PACKED,
        ints(7, -2))), "uses encoding 5"});
    add.accept("dictionary encoding without dictionary", new Object[] {int32(2, v1(2,
        org.apache.parquet.format.Encoding.RLE_DICTIONARY, new byte[] {1, 3, 1})), "has no dictionary page"});
    PageHeader nested = new PageHeader(PageType.DATA_PAGE_V2, 8, 8);
    nested.setData_page_header_v2(new DataPageHeaderV2(3, 0, 2, PLAIN, 0, 0));
    add.accept("v2 num_values != num_rows", new Object[] {int32(2, pageHeader(nested), ints(7, -2)), "num_values 3 != num_rows 2"});
    nested.setData_page_header_v2(new DataPageHeaderV2(2, 0, 2, PLAIN, 0, 1));
    add.accept("v2 repetition levels", new Object[] {int32(2, pageHeader(nested), ints(7, -2)), "repetition_levels_byte_length is 1"});
    add.accept("v2 levels in a required column", new Object[] {int32(2, v2(2, PLAIN, 1, ints(7, -2))),
        "wrong for max definition level 0"});
    add.accept("v2 levels past the page", new Object[] {cat(chunkHeader(2, 4, 0, 1, 0, 1, 0, 0), v2(2, PLAIN, 9, ints(7, -2))),
        "exceeds the page size"});
    PageHeader sizes = new PageHeader(PageType.DATA_PAGE, 9, 8);
    sizes.setData_page_header(new DataPageHeader(2, PLAIN, RLE, RLE));
    add.accept("uncompressed sizes differ", new Object[] {int32(2, pageHeader(sizes), ints(7, -2)),
        "compressed_page_size 8 != uncompressed_page_size 9"});
    add.accept("no sub-header", new Object[] {int32(2, pageHeader(new PageHeader(PageType.DATA_PAGE, 8, 8)), ints(7, -2)),
        "lacks its DataPageHeader"});
    add.accept("trailing zeros", new Object[] {cat(good, new byte[3]), "PageHeader lacks type"});
    add.accept("page past the chunk", new Object[] {Arrays.copyOf(good, good.length - 1), "truncated chunk"});
    // Thrift.
    byte[] thrift = {0x15, 0x00, 0x15, 0x10, 0x15, 0x10, 0x2c, 0x15, 0x04, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00, 0x00};
    assertBothDecode(int32(2, thrift, ints(7, -2)), "hand-written Thrift");
    add.accept("wrong compact type", new Object[] {int32(2, new byte[] {0x16, 0x00, 0x00}, ints(7, -2)),
        "field 1 of PageHeader has compact type 6"});
    add.accept("sub-header twice", new Object[] {int32(2, new byte[] {0x15, 0x00, 0x15, 0x10, 0x15, 0x10, 0x2c, 0x00, 0x0c,
        0x0a, 0x00, 0x00}, ints(7, -2)), "field 5 appears twice"});
    add.accept("unknown type 13", new Object[] {int32(2, new byte[] {(byte) 0x9d, 0x00}, ints(7, -2)), "unknown type 13"});
    add.accept("varint too long", new Object[] {int32(2, new byte[] {0x15, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, 0x01}, ints(7, -2)), "longer than 5 bytes"});
    add.accept("i32 out of range", new Object[] {int32(2, new byte[] {0x15, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        0x7f}, ints(7, -2)), "out of range"});
    byte[] deep = new byte[40];
    Arrays.fill(deep, (byte) 0x1c);
    deep[0] = (byte) 0x9c;
    add.accept("nested too deep", new Object[] {int32(2, deep, ints(7, -2)), "nested deeper than 16 levels"});
    add.accept("ignored sub-header of the wrong type", new Object[] {int32(2, Arrays.copyOf(thrift, 16),
        new byte[] {0x2c, 0x16, 0x02, 0x00, 0x00}, ints(7, -2)), "field 1 of DictionaryPageHeader has compact type 6"});
    // Snappy.
    byte[][] bodies = {{}, {0x05, 0x0c, 7, 0, 0, 0}, {0x04, 0x0c, 7, 0, 0}, {0x04, 0x10, 7, 0, 0, 0, 0},
        {0x04, 0x00, 7, 0x01, 0x00}, {0x04, 0x00, 7, 0x01, 0x05}, {0x04, 0x00, 7, 0x02, 0x01},
        {0x04, 0x00, 7, 0x0e, 0x01, 0x00}, {0x04, 0x00, 7}, {(byte) 0x84, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00},
        {0x04, (byte) 0xf0}};
    for (int k = 0; k < bodies.length; k++) {
      PageHeader h = new PageHeader(PageType.DATA_PAGE, 4, bodies[k].length);
      h.setData_page_header(new DataPageHeader(1, PLAIN, RLE, RLE));
      add.accept("snappy " + k, new Object[] {cat(chunkHeader(1, 4, 0, 1, 1, 0, 0, 0), pageHeader(h), bodies[k]), "snappy data"});
    }
    // Dictionary and value contents.
    add.accept("huge BYTE_ARRAY dictionary", new Object[] {cat(chunkHeader(1, 255, 0, 6, 0, 0, 0, 0),
        dictionary(Integer.MAX_VALUE, cat(ints(1), new byte[] {'a', 'b', 'c', 'd'})),
        v1(1, org.apache.parquet.format.Encoding.RLE_DICTIONARY, new byte[] {0})), "values need at least 8589934588 bytes"});
    add.accept("short fixed dictionary", new Object[] {int32(2, dictionary(3, ints(10, 20)),
        v1(2, org.apache.parquet.format.Encoding.RLE_DICTIONARY, new byte[] {0})), "3 values need 12 bytes"});
    add.accept("dictionary value past the end", new Object[] {cat(chunkHeader(1, 255, 0, 6, 0, 0, 0, 0),
        dictionary(2, cat(ints(1), new byte[] {'a'}, ints(9), new byte[] {'b'})),
        v1(1, org.apache.parquet.format.Encoding.RLE_DICTIONARY, new byte[] {0})), "past the page end"});
    byte[] dict3 = dictionary(3, ints(10, 20, 30));
    add.accept("index out of range, RLE", new Object[] {int32(20, dict3, v1(20, org.apache.parquet.format.Encoding.RLE_DICTIONARY,
        new byte[] {2, 0x14, 0x01, 0x14, 0x03})), "dictionary index 3 of non-null value 10"});
    add.accept("index out of range, bit-packed", new Object[] {int32(8, dict3, v1(8,
        org.apache.parquet.format.Encoding.RLE_DICTIONARY, new byte[] {2, 0x03, (byte) 0xc0, 0, 0})), "dictionary index 3 of non-null value 3"});
    add.accept("index bit width 33", new Object[] {int32(2, dict3, v1(2, org.apache.parquet.format.Encoding.RLE_DICTIONARY,
        new byte[] {33, 0x04, 0})), "index bit width 33"});
    add.accept("empty dictionary", new Object[] {int32(2, dictionary(0, new byte[0]), v1(2,
        org.apache.parquet.format.Encoding.RLE_DICTIONARY, new byte[] {0})), "dictionary size 0"});
    add.accept("truncated bit-packed indices", new Object[] {int32(20, dict3, v1(20, org.apache.parquet.format.Encoding.RLE_DICTIONARY,
        new byte[] {2, 0x07, 0, 0})), "truncated bit-packed run"});
    add.accept("missing index run", new Object[] {int32(20, dict3, v1(20, org.apache.parquet.format.Encoding.RLE_DICTIONARY,
        new byte[] {2, 0x14, 0x01})), "truncated run header"});
    add.accept("PLAIN too short", new Object[] {int32(3, v1(3, PLAIN, ints(7, -2))), "3 values need 12 bytes, the page has 8"});
    add.accept("PLAIN BYTE_ARRAY past the end", new Object[] {cat(chunkHeader(2, 255, 0, 6, 0, 0, 0, 0),
        v1(2, PLAIN, cat(ints(1), new byte[] {'a'}, ints(5), new byte[] {'b'}))), "has length 5 past the page end"});
    add.accept("PLAIN BYTE_ARRAY missing length", new Object[] {cat(chunkHeader(2, 255, 0, 6, 0, 0, 0, 0),
        v1(2, PLAIN, cat(ints(1), new byte[] {'a', 0}))), "end before value 1"});
    add.accept("level 2", new Object[] {cat(chunkHeader(2, 4, 0, 1, 0, 1, 0, 0), v1(2, PLAIN, cat(ints(2), new byte[] {0x04, 0x02},
        ints(7, 8)))), "level above the maximum 1"});
    add.accept("levels truncated", new Object[] {cat(chunkHeader(9, 4, 0, 1, 0, 1, 0, 0), v1(9, PLAIN, cat(ints(2),
        new byte[] {0x04, 0x01}, ints(7, 8)))), "truncated run header"});
    add.accept("levels past the page", new Object[] {cat(chunkHeader(2, 4, 0, 1, 0, 1, 0, 0), v1(2, PLAIN, cat(ints(9),
        new byte[] {0x04, 0x01}))), "definition levels do not fit"});
    add.accept("v2 levels truncated", new Object[] {cat(chunkHeader(9, 4, 0, 1, 0, 1, 0, 0), v2(9, PLAIN, 2,
        cat(new byte[] {0x04, 0x01}, ints(7, 8)))), "truncated run header"});

    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : bad.entrySet()) {
      tests.add(dynamicTest(e.getKey(), () -> assertBothReject(e.getValue(), fragment.get(e.getKey()))));
    }
    tests.add(dynamicTest("every truncation", () -> {
      byte[] chunk = chunk(new ForeignParquetEncoding(true, false), PhysicalLayout.FIXED8, 40, 3);
      for (int length = 0; length < chunk.length; length++) {
        assertNull(java(Arrays.copyOf(chunk, length)), "accepted a chunk truncated to " + length + " bytes");
      }
      assertNotNull(java(chunk));
    }));
    return tests.stream();
  }

  static byte[] with(byte[] chunk, int offset, int value) {
    byte[] c = chunk.clone();
    c[offset] = (byte) value;
    return c;
  }

  /** A chunk of n seeded rows (some null) of the layout, encoded by the encoding. */
  static byte[] chunk(Encoding encoding, PhysicalLayout layout, int n, long seed) {
    Random random = new Random(seed);
    int w = layout.byteWidth();
    byte[] validity = new byte[(n + 7) / 8];
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int[] offsets = layout.kind() == PhysicalLayout.Kind.VARIABLE ? new int[n + 1] : null;
    byte[] bits = new byte[(n + 7) / 8];
    byte[][] pool = new byte[5][];
    for (int k = 0; k < pool.length; k++) {
      pool[k] = new byte[layout.kind() == PhysicalLayout.Kind.VARIABLE ? random.nextInt(6) : w];
      random.nextBytes(pool[k]);
    }
    for (int i = 0; i < n; i++) {
      boolean valid = random.nextInt(5) != 0;
      if (valid) {
        validity[i >>> 3] |= (byte) (1 << (i & 7));
      }
      byte[] value = valid ? pool[random.nextInt(pool.length)] : new byte[offsets == null ? w : 0];
      switch (layout.kind()) {
        case BIT -> {
          if (valid && random.nextBoolean()) {
            bits[i >>> 3] |= (byte) (1 << (i & 7));
          }
        }
        case VARIABLE -> {
          data.writeBytes(value);
          offsets[i + 1] = data.size();
        }
        default -> data.writeBytes(value);
      }
    }
    ColumnValues values = new ColumnValues(layout, ValueKind.OPAQUE, n, validity,
        layout.kind() == PhysicalLayout.Kind.BIT ? bits : data.toByteArray(), offsets);
    return encoding.encode(values);
  }

  /**
   * Chunks of every physical type and page version, damaged at random: one to three bytes
   * replaced. Java and wasm must both accept and then agree on every row, or both reject.
   */
  @TestFactory
  Stream<DynamicTest> randomDamageGetsTheSameAnswerFromBoth() {
    record Source(String name, Encoding encoding, PhysicalLayout layout) {}
    List<Source> sources = new ArrayList<>();
    for (boolean v2 : new boolean[] {false, true}) {
      String pages = v2 ? " v2" : " v1";
      sources.add(new Source("BOOLEAN" + pages, new ForeignParquetEncoding(v2, false), PhysicalLayout.BIT));
      sources.add(new Source("FLOAT" + pages, new ForeignParquetEncoding(v2, true), PhysicalLayout.FIXED4));
      sources.add(new Source("DOUBLE" + pages, new ForeignParquetEncoding(v2, true), PhysicalLayout.FIXED8));
      sources.add(new Source("INT96" + pages, new ForeignParquetEncoding(v2, false), PhysicalLayout.fixed(12)));
      sources.add(new Source("FLBA(2)" + pages, new ForeignParquetEncoding(v2, false), PhysicalLayout.FIXED2));
      sources.add(new Source("FLBA(8)" + pages, new ForeignParquetEncoding(v2, false), PhysicalLayout.FIXED8));
      sources.add(new Source("BYTE_ARRAY" + pages, new ForeignParquetEncoding(v2, false), PhysicalLayout.VARIABLE));
    }
    sources.add(new Source("reference writer INT32", Encodings.parquet(), PhysicalLayout.FIXED4));
    sources.add(new Source("reference writer FIXED3", Encodings.parquet(), PhysicalLayout.fixed(3)));
    sources.add(new Source("reference writer BYTE_ARRAY", Encodings.parquet(), PhysicalLayout.VARIABLE));
    List<DynamicTest> tests = new ArrayList<>();
    for (Source source : sources) {
      tests.add(dynamicTest(source.name(), () -> {
        Random random = new Random(source.name().hashCode());
        byte[] chunk = chunk(source.encoding(), source.layout(), 120, random.nextLong());
        assertBothDecode(chunk, source.name() + " undamaged");
        int accepted = 0;
        for (int round = 0; round < 150; round++) {
          byte[] damaged = chunk.clone();
          int changes = 1 + random.nextInt(3);
          StringBuilder what = new StringBuilder(source.name());
          for (int c = 0; c < changes; c++) {
            int at = random.nextInt(damaged.length);
            int value = random.nextInt(256);
            damaged[at] = (byte) value;
            what.append(", byte ").append(at).append(" = ").append(value);
          }
          ColumnValues expected = java(damaged);
          try (BufferAllocator allocator = new RootAllocator(); FieldVector got = wasm(damaged, allocator)) {
            if (expected == null || got == null) {
              assertEquals(expected == null, got == null, what + ": accepted by "
                  + (expected == null ? "wasm only" : "Java only"));
            } else {
              DecodedAssert.assertSameAsReference(expected, got, what.toString());
              accepted++;
            }
          }
        }
        assertTrue(accepted > 0, "no damaged chunk decoded: the test checks only rejections");
      }));
    }
    return tests.stream();
  }

  /** A chunk of 0 rows and no page decodes to nothing. */
  @Test
  void emptyChunk() {
    byte[] chunk = chunkHeader(0, 4, 0, 1, 0, 0, 0, 0);
    assertEquals(0, JAVA.decodeAll(chunk, ValueKind.OPAQUE).rowCount());
    try (BufferAllocator allocator = new RootAllocator(); FieldVector got = wasm(chunk, allocator)) {
      assertNotNull(got);
      assertEquals(0, got.getValueCount());
    }
  }
}
