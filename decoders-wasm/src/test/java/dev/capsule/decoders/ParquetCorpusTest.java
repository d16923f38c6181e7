package dev.capsule.decoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Real foreign pages: every column chunk of the Parquet corpus (../shared/corpus next to the
 * project root) that capsule.parquet can carry — flat (max repetition level 0, max definition
 * level at most 1), UNCOMPRESSED or SNAPPY, data pages in PLAIN or dictionary encodings — is
 * taken as raw bytes from its file, wrapped in the capsule.parquet header, decoded by the wasm
 * module and compared with what parquet-java's ColumnReader reads from the same chunk. Every
 * file and chunk left out is listed with the reason (test "exclusions" and
 * target/parquet-corpus-report.txt).
 */
class ParquetCorpusTest {
  static final List<String> DIRS = List.of("parquet-testing/data", "hyparquet/files");

  static Path corpus() {
    String basedir = System.getProperty("basedir");
    Path module = Path.of(basedir != null ? basedir : "").toAbsolutePath();
    return module.getParent().resolve("../shared/corpus").normalize();
  }

  /** A column chunk to decode. */
  record Chunk(Path file, String name, int rowGroup, ColumnDescriptor column, ColumnChunkMetaData meta) {}

  @TestFactory
  Stream<DynamicTest> corpusColumnChunks() throws IOException {
    Path root = corpus();
    assertTrue(Files.isDirectory(root), "the Parquet corpus is missing: " + root);
    List<Chunk> chunks = new ArrayList<>();
    List<Chunk> malformed = new ArrayList<>();
    List<String> excluded = new ArrayList<>();
    for (String dir : DIRS) {
      Path d = root.resolve(dir);
      assertTrue(Files.isDirectory(d), "missing corpus directory " + d);
      List<Path> files;
      try (Stream<Path> list = Files.list(d)) {
        files = list.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().collect(Collectors.toList());
      }
      for (Path f : files) {
        collect(f, dir + "/" + f.getFileName(), chunks, malformed, excluded);
      }
    }
    List<String> included = chunks.stream().map(ParquetCorpusTest::describe).collect(Collectors.toList());
    StringBuilder report = new StringBuilder();
    report.append("decoded ").append(included.size()).append(" column chunks:\n");
    included.forEach(s -> report.append("  ").append(s).append('\n'));
    report.append("excluded ").append(excluded.size()).append(":\n");
    excluded.forEach(s -> report.append("  ").append(s).append('\n'));
    Path out = Path.of(System.getProperty("basedir", ".")).resolve("target/parquet-corpus-report.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report, StandardCharsets.UTF_8);

    List<DynamicTest> tests = new ArrayList<>();
    tests.add(dynamicTest("exclusions (" + excluded.size() + ", see target/parquet-corpus-report.txt)", () -> {
      System.out.println("capsule.parquet corpus: " + report);
      assertTrue(chunks.size() >= 100, "only " + chunks.size() + " corpus chunks are decodable");
    }));
    for (Chunk c : chunks) {
      tests.add(dynamicTest(describe(c), () -> decodeAndCompare(c)));
    }
    for (Chunk c : malformed) {
      tests.add(dynamicTest("rejects " + describe(c), () -> {
        DecoderHarness h = new DecoderHarness("parquet");
        assertEquals(0, h.open(capsuleChunk(c.file(), c.column(), c.meta())));
        assertTrue(h.error(0).contains("truncated chunk"), h.error(0));
      }));
    }
    return tests.stream();
  }

  static String describe(Chunk c) {
    return c.name() + " rg" + c.rowGroup() + " " + String.join(".", c.column().getPath()) + " ("
        + c.column().getPrimitiveType().getPrimitiveTypeName() + ", " + c.meta().getCodec() + ", "
        + c.meta().getValueCount() + " values)";
  }

  private static void collect(Path f, String name, List<Chunk> chunks, List<Chunk> malformed,
                              List<String> excluded) {
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(f))) {
      MessageType schema = r.getFooter().getFileMetaData().getSchema();
      List<BlockMetaData> blocks = r.getRowGroups();
      for (int g = 0; g < blocks.size(); g++) {
        for (ColumnChunkMetaData meta : blocks.get(g).getColumns()) {
          ColumnDescriptor desc = schema.getColumnDescription(meta.getPath().toArray());
          String where = name + " rg" + g + " " + meta.getPath().toDotString();
          String why = exclusion(f, desc, meta, blocks.get(g).getRowCount());
          if (why != null) {
            excluded.add(where + ": " + why);
            if (why.startsWith(MALFORMED)) {
              malformed.add(new Chunk(f, name, g, desc, meta));
            }
          } else {
            chunks.add(new Chunk(f, name, g, desc, meta));
          }
        }
      }
    } catch (Exception | LinkageError e) {
      excluded.add(name + ": parquet-java cannot open it (" + e.getClass().getSimpleName() + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
    }
  }

  /** Why capsule.parquet cannot carry the chunk, or null if it can. */
  private static String exclusion(Path f, ColumnDescriptor desc, ColumnChunkMetaData meta, long rows)
      throws IOException {
    if (desc.getMaxRepetitionLevel() > 0) {
      return "nested column (max repetition level " + desc.getMaxRepetitionLevel() + ")";
    }
    if (desc.getMaxDefinitionLevel() > 1) {
      return "max definition level " + desc.getMaxDefinitionLevel() + " (optional field in an optional group)";
    }
    if (meta.getCodec() != CompressionCodecName.UNCOMPRESSED && meta.getCodec() != CompressionCodecName.SNAPPY) {
      return "codec " + meta.getCodec();
    }
    if (meta.getValueCount() != rows) {
      return "value count " + meta.getValueCount() + " differs from the row group's " + rows + " rows";
    }
    byte[] raw = rawChunk(f, meta);
    Set<String> bad = new TreeSet<>();
    ByteArrayInputStream in = new ByteArrayInputStream(raw);
    while (in.available() > 0) {
      PageHeader h;
      try {
        h = Util.readPageHeader(in);
      } catch (IOException e) {
        return "parquet-java cannot read a page header at chunk byte " + (raw.length - in.available());
      }
      if (h.getType() == PageType.DATA_PAGE) {
        Encoding e = h.getData_page_header().getEncoding();
        if (!supported(e)) {
          bad.add("data page encoding " + e);
        }
        if (desc.getMaxDefinitionLevel() == 1 && h.getData_page_header().getDefinition_level_encoding() != Encoding.RLE) {
          bad.add("definition levels " + h.getData_page_header().getDefinition_level_encoding());
        }
      } else if (h.getType() == PageType.DATA_PAGE_V2) {
        Encoding e = h.getData_page_header_v2().getEncoding();
        if (!supported(e)) {
          bad.add("data page encoding " + e);
        }
      } else if (h.getType() != PageType.DICTIONARY_PAGE) {
        bad.add("page type " + h.getType());
      }
      if (h.getCompressed_page_size() > in.available()) {
        return MALFORMED + ": the page ending at chunk byte " + (raw.length - in.available() + h.getCompressed_page_size())
            + " runs past the chunk's total_compressed_size " + raw.length
            + " (the decoder must reject the chunk as truncated)";
      }
      in.skip(h.getCompressed_page_size());
    }
    return bad.isEmpty() ? null : String.join(", ", bad);
  }

  static final String MALFORMED = "malformed";

  private static boolean supported(Encoding e) {
    return e == Encoding.PLAIN || e == Encoding.PLAIN_DICTIONARY || e == Encoding.RLE_DICTIONARY;
  }

  static byte[] rawChunk(Path f, ColumnChunkMetaData meta) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(f.toFile(), "r")) {
      byte[] b = new byte[Math.toIntExact(meta.getTotalSize())];
      file.seek(meta.getStartingPos());
      file.readFully(b);
      return b;
    }
  }

  /** The capsule.parquet chunk of a Parquet column chunk: layout from the physical type. */
  static byte[] capsuleChunk(Path f, ColumnDescriptor desc, ColumnChunkMetaData meta) throws IOException {
    PrimitiveType t = desc.getPrimitiveType();
    int layout = ParquetChunks.layoutCode(t.getPrimitiveTypeName(), t.getTypeLength());
    boolean flba = t.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
    byte[] head = ParquetChunkBytes.chunkHeader(meta.getValueCount(), layout, 0,
        ParquetChunks.physicalType(t.getPrimitiveTypeName()),
        meta.getCodec() == CompressionCodecName.SNAPPY ? ParquetChunks.SNAPPY : ParquetChunks.UNCOMPRESSED,
        desc.getMaxDefinitionLevel(), 0, flba ? t.getTypeLength() : 0);
    byte[] raw = rawChunk(f, meta);
    byte[] chunk = new byte[head.length + raw.length];
    System.arraycopy(head, 0, chunk, 0, head.length);
    System.arraycopy(raw, 0, chunk, head.length, raw.length);
    return chunk;
  }

  /** The chunk's values as parquet-java's ColumnReader gives them. */
  static Object[] referenceValues(Path f, int rowGroup, ColumnDescriptor desc) throws IOException {
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(f))) {
      if (r.getRowGroups().get(rowGroup).getRowCount() == 0) {
        return new Object[0]; // parquet-java refuses to read a row group of 0 rows
      }
      MessageType schema = r.getFooter().getFileMetaData().getSchema();
      r.setRequestedSchema(List.of(desc));
      PageReadStore pages = r.readRowGroup(rowGroup);
      ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages,
          new GroupRecordConverter(schema).getRootConverter(), schema,
          r.getFooter().getFileMetaData().getCreatedBy());
      ColumnReader cr = store.getColumnReader(desc);
      Object[] values = new Object[Math.toIntExact(cr.getTotalValueCount())];
      int maxDef = desc.getMaxDefinitionLevel();
      for (int i = 0; i < values.length; i++) {
        if (cr.getCurrentDefinitionLevel() == maxDef) {
          switch (desc.getPrimitiveType().getPrimitiveTypeName()) {
            case BOOLEAN: values[i] = cr.getBoolean(); break;
            case INT32: values[i] = cr.getInteger(); break;
            case INT64: values[i] = cr.getLong(); break;
            case FLOAT: values[i] = cr.getFloat(); break;
            case DOUBLE: values[i] = cr.getDouble(); break;
            default: values[i] = cr.getBinary(); break;
          }
        }
        cr.consume();
      }
      return values;
    }
  }

  static void decodeAndCompare(Chunk c) throws IOException {
    byte[] chunk = capsuleChunk(c.file(), c.column(), c.meta());
    Object[] values = referenceValues(c.file(), c.rowGroup(), c.column());
    assertEquals(c.meta().getValueCount(), values.length, "values read by parquet-java");
    PrimitiveType t = c.column().getPrimitiveType();
    ParquetRows rows = ParquetRows.of(values, ParquetChunks.layoutCode(t.getPrimitiveTypeName(), t.getTypeLength()));
    DecoderHarness h = new DecoderHarness("parquet");
    int handle = h.open(chunk);
    assertNotEquals(0, handle, () -> "capsule_open failed: " + h.error(0));
    String name = describe(c);
    rows.decodeAllShapes(h, handle, new Random(name.hashCode()), name);
  }
}
