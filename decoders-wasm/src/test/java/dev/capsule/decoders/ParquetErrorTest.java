package dev.capsule.decoders;

import static dev.capsule.decoders.DecoderErrorTest.assertMessage;
import static dev.capsule.decoders.ParquetChunkBytes.cat;
import static dev.capsule.decoders.ParquetChunkBytes.chunkHeader;
import static dev.capsule.decoders.ParquetChunkBytes.dictionary;
import static dev.capsule.decoders.ParquetChunkBytes.int32;
import static dev.capsule.decoders.ParquetChunkBytes.ints;
import static dev.capsule.decoders.ParquetChunkBytes.pageHeader;
import static dev.capsule.decoders.ParquetChunkBytes.v1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.capsule.decoders.ParquetChunks.Options;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * capsule.parquet chunks the contract forbids: every one gives a non-zero status and a message
 * saying what and where, never a trap, and nothing outside the chunk is touched (GuardedMemory).
 */
class ParquetErrorTest {
  private static final String M = "parquet";
  private static final int EINVAL = 1;
  private static final int ECORRUPT = 2;
  private static final int ENOMEM = 3;

  // ---- assertions (chunks are built by hand with ParquetChunkBytes) ----

  static void assertOpenFails(byte[] chunk, String fragment) {
    DecoderErrorTest.assertOpenFails(M, chunk, fragment);
  }

  static void assertDecodeFails(byte[] chunk, int first, int count, int rc, String fragment) {
    DecoderErrorTest.assertDecodeFails(M, chunk, first, count, rc, fragment);
  }

  /** A valid chunk to corrupt: optional INT64 with dictionary, three pages, and its page offsets. */
  static byte[] sample(boolean v2, int codec) {
    Object[] values = new Object[300];
    Random rnd = new Random(1);
    for (int i = 0; i < values.length; i++) {
      values[i] = rnd.nextInt(5) == 0 ? null : (long) rnd.nextInt(9);
    }
    Options o = Options.defaults().pages(v2).codec(codec).limits(100, 1 << 20, 1 << 20);
    return ParquetChunks.chunk(ParquetChunks.column(PrimitiveTypeName.INT64, 0, true), values, o);
  }

  // ---- tests ----

  @Test
  void goodHandBuiltChunksDecode() {
    byte[] chunk = int32(3, v1(2, Encoding.PLAIN, ints(7, -2)), v1(1, Encoding.PLAIN, ints(5)));
    DecoderHarness h = new DecoderHarness(M);
    int handle = h.open(chunk);
    assertNotEquals(0, handle, () -> h.error(0));
    new ParquetRows(4, new byte[][] {ints(7), ints(-2), ints(5)}).check(h.decode(handle, 4, 0, 3), 0, 3, "hand-built");
  }

  /** The worked example of SPEC.md: optional INT32 [7, null, 5] in one v1 page, 47 bytes. */
  @Test
  void specExample() {
    String hex = "03000000 04 00 0000" + "01 00 01 00 00000000"
        + "1500 151c 151c 2c 1506 1500 1506 1506 00 00"
        + "02000000 03 05 07000000 05000000";
    byte[] chunk = java.util.HexFormat.of().parseHex(hex.replace(" ", ""));
    assertEquals(47, chunk.length);
    DecoderHarness h = new DecoderHarness(M);
    int handle = h.open(chunk);
    assertNotEquals(0, handle, () -> h.error(0));
    DecoderHarness.Decoded d = h.decode(handle, 4, 0, 3);
    assertEquals(1, d.nullCount());
    assertEquals(0b101, d.validity()[0]);
    new ParquetRows(4, new byte[][] {ints(7), null, ints(5)}).check(d, 0, 3, "spec example");
    // The same bytes as parquet-format's serializer writes them.
    PageHeader ph = new PageHeader(PageType.DATA_PAGE, 14, 14);
    ph.setData_page_header(new DataPageHeader(3, Encoding.PLAIN, Encoding.RLE, Encoding.RLE));
    assertEquals(java.util.HexFormat.of().formatHex(Arrays.copyOfRange(chunk, 16, 33)),
        java.util.HexFormat.of().formatHex(pageHeader(ph)));
  }

  @TestFactory
  Stream<DynamicTest> columnHeaderErrors() {
    byte[] good = int32(1, v1(1, Encoding.PLAIN, ints(7)));
    List<DynamicTest> t = new ArrayList<>();
    t.add(dynamicTest("validity flag", () -> assertOpenFails(DecoderErrorTest.with(good, 5, 1),
        "flags byte at offset 5 is 1: capsule.parquet chunks carry no validity bitmap")));
    t.add(dynamicTest("flags bit 1", () -> assertOpenFails(DecoderErrorTest.with(good, 5, 2), "flags byte at offset 5 is 2")));
    t.add(dynamicTest("reserved 6..7", () -> assertOpenFails(DecoderErrorTest.with(good, 7, 1), "reserved header bytes 6..7 must be 0")));
    t.add(dynamicTest("physical type 8", () -> assertOpenFails(DecoderErrorTest.with(good, 8, 8), "unknown Parquet physical type 8 at offset 8")));
    for (int codec : new int[] {2, 3, 4, 5, 6, 7, 255}) {
      t.add(dynamicTest("codec " + codec, () -> assertOpenFails(DecoderErrorTest.with(good, 9, codec),
          "compression codec " + codec + " at offset 9 is not supported")));
    }
    t.add(dynamicTest("max def 2", () -> assertOpenFails(DecoderErrorTest.with(good, 10, 2), "max definition level 2 at offset 10")));
    t.add(dynamicTest("reserved 11", () -> assertOpenFails(DecoderErrorTest.with(good, 11, 1), "reserved byte at offset 11 must be 0, found 1")));
    t.add(dynamicTest("type_length for INT32", () -> assertOpenFails(DecoderErrorTest.withU32(good, 12, 4), "type_length at offset 12 is 4; it must be 0")));
    t.add(dynamicTest("truncated column header", () -> assertOpenFails(Arrays.copyOf(good, 12), "truncated chunk: parquet column header needs 8 bytes at offset 8")));
    t.add(dynamicTest("unknown layout code 0 is BIT, 255 VARIABLE; 12 is FIXED12", () ->
        assertOpenFails(DecoderErrorTest.with(good, 4, 12), "layout code 12 does not go with Parquet physical type 1 (INT32)")));
    // Layout <-> physical type pairs that are not allowed.
    int[][] bad = {{0, 1}, {4, 0}, {8, 1}, {1, 2}, {4, 2}, {2, 4}, {4, 5}, {16, 3}, {8, 3}, {4, 6}, {255, 1}, {0, 6}, {255, 7}, {0, 7}};
    for (int[] b : bad) {
      t.add(dynamicTest("layout " + b[0] + " with type " + b[1], () -> {
        byte[] c = DecoderErrorTest.with(good, 4, b[0]);
        c[8] = (byte) b[1];
        assertOpenFails(c, "layout code " + b[0] + " does not go with Parquet physical type " + b[1]);
      }));
    }
    t.add(dynamicTest("FLBA type_length != width", () -> {
      byte[] c = DecoderErrorTest.withU32(DecoderErrorTest.with(good, 8, 7), 12, 5);
      assertOpenFails(c, "type_length at offset 12 is 5; it must be 4 for physical type 7");
    }));
    return t.stream();
  }

  @TestFactory
  Stream<DynamicTest> everyTruncationIsRejected() {
    List<DynamicTest> t = new ArrayList<>();
    for (boolean v2 : new boolean[] {false, true}) {
      for (int codec : new int[] {0, 1}) {
        t.add(dynamicTest((v2 ? "v2" : "v1") + " codec " + codec, () -> {
          byte[] chunk = sample(v2, codec);
          DecoderHarness h = new DecoderHarness(M);
          for (int len = 0; len < chunk.length; len++) {
            int handle = h.open(Arrays.copyOf(chunk, len));
            assertEquals(0, handle, "accepted a chunk truncated to " + len + " bytes");
            String msg = h.error(0);
            assertTrue(msg.contains("truncated") || msg.contains("the data pages hold"), msg);
          }
          assertNotEquals(0, h.open(chunk), () -> h.error(0));
        }));
      }
    }
    return t.stream();
  }

  @Test
  void rowCountMismatch() {
    byte[] pages = cat(v1(2, Encoding.PLAIN, ints(7, -2)), v1(1, Encoding.PLAIN, ints(5)));
    assertOpenFails(cat(chunkHeader(4, 4, 0, 1, 0, 0, 0, 0), pages), "the data pages hold 3 rows but the chunk header says 4");
    assertOpenFails(cat(chunkHeader(2, 4, 0, 1, 0, 0, 0, 0), pages),
        "the data page at offset 41 goes past row 2, the chunk's row count (it starts at row 2)");
    assertOpenFails(cat(chunkHeader(0, 4, 0, 1, 0, 0, 0, 0), v1(0, Encoding.PLAIN, new byte[0])),
        "the chunk has 0 rows but a data page at offset 16");
    DecoderHarness h = new DecoderHarness(M);
    int handle = h.open(chunkHeader(0, 4, 0, 1, 0, 0, 0, 0));
    assertNotEquals(0, handle, () -> h.error(0));
    assertEquals(0, h.decodeRaw(handle, 0, 0), () -> h.error(handle));
  }

  @Test
  void pageKindsAndEncodings() {
    byte[] dict = dictionary(2, ints(10, 20));
    byte[] data = v1(2, Encoding.PLAIN, ints(7, -2));
    assertOpenFails(int32(2, v1(2, Encoding.DELTA_BINARY_PACKED, ints(7, -2))),
        "data page at offset 16 uses encoding 5 (DELTA_BINARY_PACKED), which capsule.parquet does not support");
    assertOpenFails(int32(2, v1(2, Encoding.BYTE_STREAM_SPLIT, ints(7, -2))), "uses encoding 9 (BYTE_STREAM_SPLIT)");
    assertOpenFails(int32(2, v1(2, Encoding.RLE, ints(7, -2))), "uses encoding 3 (RLE)");
    assertOpenFails(int32(2, v1(2, Encoding.RLE_DICTIONARY, new byte[] {1, 4, 2})),
        "data page at offset 16 uses dictionary encoding 8 but the chunk has no dictionary page");
    assertOpenFails(int32(2, data, dict), "dictionary page at offset 41 comes after a data page");
    assertOpenFails(int32(2, dict, dict, data), "second dictionary page at offset");
    PageHeader index = new PageHeader(PageType.INDEX_PAGE, 0, 0);
    assertOpenFails(int32(2, pageHeader(index), data), "page at offset 16 has type 1 (INDEX_PAGE)");
    PageHeader dictNoEncoding = new PageHeader(PageType.DICTIONARY_PAGE, 8, 8);
    dictNoEncoding.setDictionary_page_header(new DictionaryPageHeader(2, Encoding.RLE));
    assertOpenFails(int32(2, cat(pageHeader(dictNoEncoding), ints(1, 2)), data),
        "dictionary page at offset 16 has encoding 3; PLAIN (0) or PLAIN_DICTIONARY (2) expected");
    byte[] bools = cat(chunkHeader(2, 0, 0, 0, 0, 0, 0, 0), dictionary(1, new byte[] {1}),
        v1(2, Encoding.PLAIN, new byte[] {1}));
    assertOpenFails(bools, "dictionary page at offset 16 in a BOOLEAN column");
    // Optional column, v1: definition levels must be RLE.
    PageHeader bitPacked = new PageHeader(PageType.DATA_PAGE, 8, 8);
    bitPacked.setData_page_header(new DataPageHeader(1, Encoding.PLAIN, Encoding.BIT_PACKED, Encoding.RLE));
    assertOpenFails(cat(chunkHeader(1, 4, 0, 1, 0, 1, 0, 0), pageHeader(bitPacked), ints(1, 7)),
        "definition_level_encoding 4 is not RLE (3)");
    // v2: nested data.
    PageHeader v2 = new PageHeader(PageType.DATA_PAGE_V2, 8, 8);
    v2.setData_page_header_v2(new DataPageHeaderV2(3, 0, 2, Encoding.PLAIN, 0, 0));
    assertOpenFails(int32(2, cat(pageHeader(v2), ints(7, -2))), "num_values 3 != num_rows 2");
    v2.setData_page_header_v2(new DataPageHeaderV2(2, 0, 2, Encoding.PLAIN, 0, 1));
    assertOpenFails(int32(2, cat(pageHeader(v2), ints(7, -2))), "repetition_levels_byte_length is 1, must be 0");
    v2.setData_page_header_v2(new DataPageHeaderV2(2, 0, 2, Encoding.PLAIN, 9, 0));
    assertOpenFails(cat(chunkHeader(2, 4, 0, 1, 0, 1, 0, 0), pageHeader(v2), ints(7, -2)),
        "definition_levels_byte_length 9 exceeds the page size 8");
    v2.setData_page_header_v2(new DataPageHeaderV2(2, 0, 2, Encoding.PLAIN, 1, 0));
    assertOpenFails(int32(2, cat(pageHeader(v2), ints(7, -2))), "definition_levels_byte_length 1 is wrong for max definition level 0");
    // Sizes of uncompressed pages.
    PageHeader sizes = new PageHeader(PageType.DATA_PAGE, 9, 8);
    sizes.setData_page_header(new DataPageHeader(2, Encoding.PLAIN, Encoding.RLE, Encoding.RLE));
    assertOpenFails(int32(2, cat(pageHeader(sizes), ints(7, -2))),
        "uncompressed data page at offset 16 has compressed_page_size 8 != uncompressed_page_size 9");
    // A data page without its sub-header.
    assertOpenFails(int32(2, cat(pageHeader(new PageHeader(PageType.DATA_PAGE, 8, 8)), ints(7, -2))),
        "data page at offset 16 lacks its 5");
    // Trailing zero bytes parse as an empty PageHeader.
    assertOpenFails(cat(int32(2, data), new byte[3]),
        "page header at offset 41: PageHeader lacks type");
  }

  /**
   * A page may carry the sub-headers of other page types besides its own (fields 5, 7 and 8):
   * only the one matching its type counts, as in parquet-java. The others must not change its row
   * count or encoding.
   */
  @Test
  void subHeadersOfOtherPageTypesAreIgnored() {
    DictionaryPageHeader otherDict = new DictionaryPageHeader(99, Encoding.RLE);
    DataPageHeaderV2 otherV2 = new DataPageHeaderV2(7, 0, 7, Encoding.DELTA_BINARY_PACKED, 0, 0);
    DataPageHeader otherV1 = new DataPageHeader(99, Encoding.DELTA_BINARY_PACKED, Encoding.BIT_PACKED, Encoding.RLE);

    PageHeader v1 = new PageHeader(PageType.DATA_PAGE, 8, 8);
    v1.setData_page_header(new DataPageHeader(2, Encoding.PLAIN, Encoding.RLE, Encoding.RLE));
    v1.setDictionary_page_header(otherDict);
    v1.setData_page_header_v2(otherV2);
    assertDecodes(int32(2, cat(pageHeader(v1), ints(7, -2))), ints(7), ints(-2));

    PageHeader v2 = new PageHeader(PageType.DATA_PAGE_V2, 8, 8);
    v2.setData_page_header(otherV1);
    v2.setDictionary_page_header(otherDict);
    v2.setData_page_header_v2(new DataPageHeaderV2(2, 0, 2, Encoding.PLAIN, 0, 0));
    assertDecodes(int32(2, cat(pageHeader(v2), ints(7, -2))), ints(7), ints(-2));

    PageHeader dict = new PageHeader(PageType.DICTIONARY_PAGE, 8, 8);
    dict.setData_page_header(otherV1);
    dict.setDictionary_page_header(new DictionaryPageHeader(2, Encoding.PLAIN));
    dict.setData_page_header_v2(otherV2);
    byte[] indices = {1, 0x03, 0b01}; // bit width 1, one bit-packed group: indices 1, 0
    assertDecodes(int32(2, cat(pageHeader(dict), ints(10, 20)), v1(2, Encoding.RLE_DICTIONARY, indices)),
        ints(20), ints(10));

    // The ignored sub-headers are still Thrift the decoder knows: a field of the wrong type is corrupt.
    byte[] wrongType = {0x15, 0x00, 0x15, 0x08, 0x15, 0x08, 0x2c, 0x15, 0x04, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00,
        0x2c, 0x16, 0x02, 0x00, 0x00}; // field 7 (DictionaryPageHeader) with num_values as an i64
    assertOpenFails(cat(chunkHeader(2, 4, 0, 1, 0, 0, 0, 0), wrongType, ints(7, -2)),
        "field 1 of DictionaryPageHeader has compact type 6");
  }

  static void assertDecodes(byte[] chunk, byte[]... rows) {
    DecoderHarness h = new DecoderHarness(M);
    int handle = h.open(chunk);
    assertNotEquals(0, handle, () -> h.error(0));
    new ParquetRows(4, rows).check(h.decode(handle, 4, 0, rows.length), 0, rows.length, "values");
  }

  /** Raw Thrift: a PageHeader whose first field is followed by `rest`. */
  static byte[] thriftChunk(byte[] headerBytes) {
    return cat(chunkHeader(1, 4, 0, 1, 0, 0, 0, 0), headerBytes, ints(7));
  }

  @Test
  void badThrift() {
    // Field 1 (type) = 0: 0x15 0x00; field 2 uncompressed = 4: 0x15 0x08; field 3 = 4: 0x15 0x08;
    // field 5 struct: 0x2c, {0x15 0x02 (num_values 1), 0x15 0x00 (PLAIN), 0x15 0x06, 0x15 0x06, 0x00}, 0x00.
    byte[] good = {0x15, 0x00, 0x15, 0x08, 0x15, 0x08, 0x2c, 0x15, 0x02, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00, 0x00};
    DecoderHarness h = new DecoderHarness(M);
    assertNotEquals(0, h.open(thriftChunk(good)), () -> h.error(0));

    // Unknown fields of every compact type are skipped: i64, double, binary, list, set, map, struct, bools, byte.
    // (field ids are deltas from the previous one, 5)
    byte[] skipped = cat(new byte[] {0x46, 0x01},                 // field 9 i64 = -1
        new byte[] {0x17, 1, 2, 3, 4, 5, 6, 7, 8},                // field 10 double
        new byte[] {0x18, 0x03, 'a', 'b', 'c'},                   // field 11 binary
        new byte[] {0x19, 0x35, 0x02, 0x04, 0x06},                // field 12 list<i32>[3]
        new byte[] {0x1a, 0x21, 0x01, 0x02},                      // field 13 set<bool>[2]: 1 byte each
        new byte[] {0x1b, 0x02, (byte) 0x85, 0x01, 'x', 0x02, 0x01, 'y', 0x04}, // field 14 map<binary,i32>[2]
        new byte[] {0x1c, 0x11, 0x12, 0x13, 0x08, 0x00},         // field 15 struct {bool true, bool false, byte 8}
        new byte[] {0x11, 0x12},                                  // fields 16, 17 bools
        new byte[] {0x04, 0x28, 0x02});                           // field 20 (long form id) i16 = 1
    assertNotEquals(0, h.open(thriftChunk(cat(Arrays.copyOf(good, 16), skipped, new byte[] {0}))), () -> h.error(0));

    assertOpenFails(thriftChunk(new byte[] {(byte) 0x9d, 0x00}), "unknown type 13 at offset");
    assertOpenFails(thriftChunk(new byte[] {0x15, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}),
        "varint at offset 17 longer than 5 bytes");
    assertOpenFails(thriftChunk(new byte[] {0x15, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x7f}), "i32 at offset 17 out of range");
    assertOpenFails(thriftChunk(new byte[] {0x15, 0x00, 0x15, 0x08, 0x15, 0x07, 0x00}),
        "page header at offset 16: compressed_page_size is negative");
    assertOpenFails(thriftChunk(new byte[] {0x15, 0x00, 0x15, 0x08, 0x00}), "page header at offset 16: PageHeader lacks compressed_page_size");
    assertOpenFails(thriftChunk(new byte[] {0x16, 0x00, 0x00}), "field 1 of PageHeader has compact type 6");
    assertOpenFails(thriftChunk(new byte[] {0x15, 0x00, 0x15, 0x08, 0x15, 0x08, 0x2c, 0x00, 0x0c, 0x0a, 0x00, 0x00}),
        "field 5 appears twice");
    assertOpenFails(thriftChunk(new byte[] {(byte) 0x99, (byte) 0xf5, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}), "truncated chunk: the page header at offset 16");
    assertOpenFails(thriftChunk(new byte[] {(byte) 0x99, 0x10}), "unknown type 0 at offset");
    byte[] deep = new byte[40];
    Arrays.fill(deep, (byte) 0x1c); // field 1 of each nested struct: a struct, 40 deep
    deep[0] = (byte) 0x9c; // PageHeader field 9 (unknown): a struct
    assertOpenFails(thriftChunk(deep), "nested deeper than 16 levels");
    assertOpenFails(cat(chunkHeader(1, 4, 0, 1, 0, 0, 0, 0), new byte[] {0x15}), "truncated chunk: the page header at offset 16 runs past the end of the chunk");
    assertOpenFails(cat(chunkHeader(1, 4, 0, 1, 0, 0, 0, 0), new byte[] {(byte) 0x98, 0x7f}), "truncated chunk: the page header at offset 16");
  }

  @TestFactory
  Stream<DynamicTest> snappyGarbage() {
    // A snappy v1 page for one required INT32 row: body = snappy(07 00 00 00).
    List<DynamicTest> t = new ArrayList<>();
    byte[][] bodies = {
        {},                                  // no data: too few bytes for 4 (before any varint is read)
        {0x05, 0x0c, 7, 0, 0, 0},            // says 5 bytes, header says 4
        {0x04, 0x0c, 7, 0, 0},               // literal past the end
        {0x04, 0x10, 7, 0, 0, 0, 0},         // literal overflows the page
        {0x04, 0x00, 7, 0x01, 0x00},         // copy of 4 at offset 0... (tag 0x01: copy len 4, offset 0)
        {0x04, 0x00, 7, 0x01, 0x05},         // copy offset 5 before the start
        {0x04, 0x00, 7, 0x02, 0x01},         // truncated 2-byte offset
        {0x04, 0x00, 7, 0x0e, 0x01, 0x00},   // copy of 4 (tag len 4) at offset 1 ok, then output 5 > 4
        {0x04, 0x00, 7},                     // ends after 1 byte
        {(byte) 0x84, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00}, // 6-byte varint
        {0x04, (byte) 0xf0},                 // literal with a 1-byte length that is missing
    };
    String[] expect = {"is 0 bytes, too few for the 4 bytes the page header says", "holds 5 bytes, the page header says 4", "literal runs past the end",
        "literal overflows the page", "copy offset outside the output", "copy offset outside the output",
        "truncated copy", "copy overflows the page", "decompresses to 1 bytes, expected 4", "bad length varint",
        "truncated literal length"};
    for (int k = 0; k < bodies.length; k++) {
      byte[] body = bodies[k];
      String e = expect[k];
      t.add(dynamicTest(e, () -> {
        PageHeader h = new PageHeader(PageType.DATA_PAGE, 4, body.length);
        h.setData_page_header(new DataPageHeader(1, Encoding.PLAIN, Encoding.RLE, Encoding.RLE));
        byte[] chunk = cat(chunkHeader(1, 4, 0, 1, 1, 0, 0, 0), pageHeader(h), body);
        assertDecodeFails(chunk, 0, 1, ECORRUPT, e);
        assertMessage(M, lastError(chunk), "of the page at offset 16");
      }));
    }
    // A header claiming far more than the snappy bytes can make is corrupt, not a reason to grow memory.
    t.add(dynamicTest("uncompressed size beyond what snappy can make", () -> {
      byte[] body = {0x04, 0x0c, 7, 0, 0, 0};
      PageHeader h = new PageHeader(PageType.DATA_PAGE, Integer.MAX_VALUE, body.length);
      h.setData_page_header(new DataPageHeader(1, Encoding.PLAIN, Encoding.RLE, Encoding.RLE));
      byte[] chunk = cat(chunkHeader(1, 4, 0, 1, 1, 0, 0, 0), pageHeader(h), body);
      assertDecodeFails(chunk, 0, 1, ECORRUPT,
          "snappy data of the page at offset 16 is 6 bytes, too few for the 2147483647 bytes the page header says");
      // The bound is 22 times the compressed size: 132 is left to the stream's own length check.
      for (int uncompressed : new int[] {132, 133}) {
        PageHeader at = new PageHeader(PageType.DATA_PAGE, uncompressed, body.length);
        at.setData_page_header(new DataPageHeader(1, Encoding.PLAIN, Encoding.RLE, Encoding.RLE));
        assertDecodeFails(cat(chunkHeader(1, 4, 0, 1, 1, 0, 0, 0), pageHeader(at), body), 0, 1, ECORRUPT,
            uncompressed == 132 ? "holds 4 bytes, the page header says 132"
                : "is 6 bytes, too few for the 133 bytes the page header says");
      }
    }));
    // A right stream with an overlapping copy decodes.
    t.add(dynamicTest("good snappy", () -> {
      byte[] body = {0x04, 0x00, 7, 0x0a, 0x01, 0x00}; // literal 07, copy of 3 at offset 1
      PageHeader h = new PageHeader(PageType.DATA_PAGE, 4, body.length);
      h.setData_page_header(new DataPageHeader(1, Encoding.PLAIN, Encoding.RLE, Encoding.RLE));
      byte[] chunk = cat(chunkHeader(1, 4, 0, 1, 1, 0, 0, 0), pageHeader(h), body);
      DecoderHarness d = new DecoderHarness(M);
      int handle = d.open(chunk);
      assertNotEquals(0, handle, () -> d.error(0));
      new ParquetRows(4, new byte[][] {{7, 7, 7, 7}}).check(d.decode(handle, 4, 0, 1), 0, 1, "snappy");
    }));
    return t.stream();
  }

  static String lastError(byte[] chunk) {
    DecoderHarness h = new DecoderHarness(M);
    int handle = h.open(chunk);
    h.decodeRaw(handle, 0, 1);
    return h.error(handle);
  }

  @TestFactory
  Stream<DynamicTest> dictionaryIndexOutOfRange() {
    List<DynamicTest> t = new ArrayList<>();
    // Dictionary of 3 INT32 values; 20 rows of indices with bit width 2 (3 is out of range).
    byte[] dict = dictionary(3, ints(10, 20, 30));
    for (int bad : new int[] {0, 5, 8, 13, 16, 19}) {
      t.add(dynamicTest("bit-packed, bad index at value " + bad, () -> {
        long[] idx = new long[24];
        for (int i = 0; i < 20; i++) {
          idx[i] = i % 3;
        }
        idx[bad] = 3;
        byte[] packed = Arrays.copyOf(Chunks.pack(idx, 2), 6); // 3 groups of 8 x 2 bits
        byte[] body = cat(new byte[] {2, 0x07}, packed);        // bit width 2, header: 3 groups, bit-packed
        byte[] chunk = int32(20, dict, v1(20, Encoding.PLAIN_DICTIONARY, body));
        String msg = "dictionary index 3 of non-null value " + bad + " of the page at offset 41 is not below the dictionary size 3";
        assertDecodeFails(chunk, 0, 20, ECORRUPT, msg);
        assertDecodeFails(chunk, 19, 1, ECORRUPT, msg); // the whole page is decoded
      }));
    }
    // The same for BYTE_ARRAY (one-pass path without nulls, index array with nulls).
    byte[] sdict = dictionary(3, cat(ints(1), new byte[] {'a'}, ints(2), new byte[] {'b', 'c'}, ints(0)));
    for (boolean optional : new boolean[] {false, true}) {
      for (int bad : new int[] {0, 9, 19}) {
        t.add(dynamicTest("BYTE_ARRAY " + (optional ? "optional" : "required") + ", bad index at value " + bad, () -> {
          long[] idx = new long[24];
          for (int i = 0; i < 20; i++) {
            idx[i] = i % 3;
          }
          idx[bad] = 3;
          byte[] packed = Arrays.copyOf(Chunks.pack(idx, 2), 6);
          byte[] levels = optional ? cat(ints(2), new byte[] {0x28, 0x01}) : new byte[0]; // 20 x level 1
          byte[] body = cat(levels, new byte[] {2, 0x07}, packed);
          byte[] chunk = cat(chunkHeader(20, 255, 0, 6, 0, optional ? 1 : 0, 0, 0), sdict,
              v1(20, Encoding.PLAIN_DICTIONARY, body));
          assertDecodeFails(chunk, 0, 20, ECORRUPT, "dictionary index 3 of non-null value " + bad
              + " of the page at offset 44 is not below the dictionary size 3");
        }));
      }
    }
    t.add(dynamicTest("RLE run", () -> {
      byte[] body = {2, 0x14, 0x01, 0x14, 0x03}; // bit width 2; run of 10 x 1; run of 10 x 3
      assertDecodeFails(int32(20, dict, v1(20, Encoding.RLE_DICTIONARY, body)), 0, 20, ECORRUPT,
          "dictionary index 3 of non-null value 10 of the page at offset 41 is not below the dictionary size 3");
    }));
    t.add(dynamicTest("bit width 33", () -> assertDecodeFails(
        int32(2, dict, v1(2, Encoding.RLE_DICTIONARY, new byte[] {33, 0x04, 0})), 0, 2, ECORRUPT,
        "index bit width 33 is above 32")));
    t.add(dynamicTest("empty dictionary", () -> assertDecodeFails(
        int32(2, dictionary(0, new byte[0]), v1(2, Encoding.RLE_DICTIONARY, new byte[] {0})), 0, 2, ECORRUPT,
        "is not below the dictionary size 0")));
    t.add(dynamicTest("truncated bit-packed run", () -> assertDecodeFails(
        int32(20, dict, v1(20, Encoding.RLE_DICTIONARY, new byte[] {2, 0x07, 0, 0})), 0, 20, ECORRUPT,
        "truncated bit-packed run")));
    t.add(dynamicTest("missing run", () -> assertDecodeFails(
        int32(20, dict, v1(20, Encoding.RLE_DICTIONARY, new byte[] {2, 0x14, 0x01})), 0, 20, ECORRUPT,
        "truncated run header")));
    t.add(dynamicTest("dictionary too short", () -> assertOpenFails(
        int32(2, dictionary(3, ints(10, 20)), v1(2, Encoding.RLE_DICTIONARY, new byte[] {0})),
        "dictionary page at offset 16: 3 values need 12 bytes, the page has 8")));
    // num_values far beyond what the page can hold (each value needs its 4 length bytes): corrupt,
    // found before any memory is allocated for the dictionary's offsets.
    t.add(dynamicTest("byte array dictionary num_values beyond the page", () -> assertOpenFails(
        cat(chunkHeader(1, 255, 0, 6, 0, 0, 0, 0), dictionary(Integer.MAX_VALUE, cat(ints(1), new byte[] {'a', 'b', 'c', 'd'})),
            v1(1, Encoding.RLE_DICTIONARY, new byte[] {0})),
        "dictionary page at offset 16: 2147483647 values need at least 8589934588 bytes, the page has 8")));
    t.add(dynamicTest("byte array dictionary value past the end", () -> assertOpenFails(
        cat(chunkHeader(1, 255, 0, 6, 0, 0, 0, 0), dictionary(2, cat(ints(1), new byte[] {'a'}, ints(9), new byte[] {'b'})),
            v1(1, Encoding.RLE_DICTIONARY, new byte[] {0})),
        "dictionary page at offset 16: value 1 runs past the end of the page")));
    return t.stream();
  }

  @Test
  void valueAndLevelErrors() {
    assertDecodeFails(int32(3, v1(3, Encoding.PLAIN, ints(7, -2))), 0, 3, ECORRUPT,
        "PLAIN values of the page at offset 16: 3 values need 12 bytes, the page has 8");
    byte[] strings = cat(chunkHeader(2, 255, 0, 6, 0, 0, 0, 0),
        v1(2, Encoding.PLAIN, cat(ints(1), new byte[] {'a'}, ints(5), new byte[] {'b'})));
    assertDecodeFails(strings, 0, 2, ECORRUPT, "PLAIN value of row 1 in the page at offset 16 has length 5 past the page end");
    byte[] stringsShort = cat(chunkHeader(2, 255, 0, 6, 0, 0, 0, 0), v1(2, Encoding.PLAIN, cat(ints(1), new byte[] {'a', 0})));
    assertDecodeFails(stringsShort, 0, 2, ECORRUPT, "PLAIN values of the page at offset 16 end before row 1");
    // Optional INT32, v1 levels: u32 length, then RLE run of 2 x level 2.
    byte[] level2 = cat(chunkHeader(2, 4, 0, 1, 0, 1, 0, 0), v1(2, Encoding.PLAIN, cat(ints(2), new byte[] {0x04, 0x02}, ints(7, 8))));
    assertDecodeFails(level2, 0, 2, ECORRUPT, "definition levels of the page at offset 16: level above the maximum 1");
    byte[] levelsShort = cat(chunkHeader(9, 4, 0, 1, 0, 1, 0, 0), v1(9, Encoding.PLAIN, cat(ints(2), new byte[] {0x04, 0x01}, ints(7, 8))));
    assertDecodeFails(levelsShort, 0, 9, ECORRUPT, "definition levels of the page at offset 16: truncated run header");
    byte[] levelsPast = cat(chunkHeader(2, 4, 0, 1, 0, 1, 0, 0), v1(2, Encoding.PLAIN, cat(ints(9), new byte[] {0x04, 0x01})));
    assertOpenFails(levelsPast, "data page at offset 16: definition levels do not fit in the 6 byte page");
  }

  @Test
  void outOfMemoryWhenTheHostCapsMemory() {
    // 1M rows of one dictionary value (bit width 0): a 4 MB page to cache under a 1 MiB cap.
    int n = 1 << 20;
    byte[] chunk = int32(n, dictionary(1, ints(42)), v1(n, Encoding.RLE_DICTIONARY, new byte[] {0}));
    DecoderHarness h = new DecoderHarness(M, new MemoryLimits(2, 16));
    int handle = h.open(chunk);
    assertNotEquals(0, handle, () -> h.error(0));
    assertEquals(ENOMEM, h.decodeRaw(handle, 0, 10));
    assertMessage(M, h.error(handle), "out of memory");
    DecoderHarness big = new DecoderHarness(M);
    int bh = big.open(chunk);
    byte[][] rows = new byte[1000][];
    Arrays.fill(rows, ints(42));
    new ParquetRows(4, rows).check(big.decode(bh, 4, n - 1000, 1000), 0, 1000, "bit width 0");
  }

  @Test
  void variableWindowAboveArrowOffsets() {
    // One dictionary value of 10 000 bytes repeated 300 000 times: 3 GB for the whole chunk, in
    // pages of 50 000 rows (500 MB each).
    int n = 300_000;
    byte[] value = new byte[10_000];
    Arrays.fill(value, (byte) 'v');
    List<byte[]> pages = new ArrayList<>();
    pages.add(dictionary(1, cat(ints(value.length), value)));
    for (int p = 0; p < 6; p++) {
      pages.add(v1(50_000, Encoding.RLE_DICTIONARY, new byte[] {0}));
    }
    byte[] chunk = cat(chunkHeader(n, 255, 0, 6, 0, 0, 0, 0), cat(pages.toArray(new byte[0][])));
    DecoderHarness h = new DecoderHarness(M);
    int handle = h.open(chunk);
    assertNotEquals(0, handle, () -> h.error(0));
    int rc = h.decodeRaw(handle, 0, n);
    assertTrue(rc == EINVAL || rc == ENOMEM, "return code " + rc);
    byte[][] rows = new byte[100][];
    Arrays.fill(rows, value);
    new ParquetRows(255, rows).check(h.decode(handle, 255, 123_456, 100), 0, 100, "long values");
  }

  @Test
  void binaryDictionaryRoundTrip() {
    // A hand-built BYTE_ARRAY chunk: dictionary of 3 strings, optional with levels, v1.
    byte[] dict = dictionary(3, cat(ints(2), "ab".getBytes(), ints(0), ints(3), "xyz".getBytes()));
    // levels: RLE run of 4 x 1 (0x08 0x01); indices bit width 2: RLE 4 x index 2.
    byte[] body = cat(ints(2), new byte[] {0x08, 0x01}, new byte[] {2, 0x08, 0x02});
    byte[] chunk = cat(chunkHeader(4, 255, 0, 6, 0, 1, 0, 0), dict, v1(4, Encoding.PLAIN_DICTIONARY, body));
    DecoderHarness h = new DecoderHarness(M);
    int handle = h.open(chunk);
    assertNotEquals(0, handle, () -> h.error(0));
    byte[][] rows = new byte[4][];
    Arrays.fill(rows, "xyz".getBytes());
    new ParquetRows(255, rows).check(h.decode(handle, 255, 1, 3), 1, 3, "dict strings");
  }
}
