package dev.capsule.writer.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import dev.capsule.writer.WriterOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.GroupType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's fidelity test over real Parquet files nobody here wrote: every file under
 * parquet-testing/data and hyparquet/files that parquet-java can read converts, and the Capsule
 * file reads back - through its own wasm decoders - to exactly the values parquet-java's record
 * API gives, compared as bytes (floats bit for bit); where hyparquet ships expected rows, to those
 * too. Files that do not convert are listed below with the reason; the lists may only shrink: a
 * listed file that converts fails the test until it is taken off.
 */
class ParquetCorpusFidelityTest {
  /** Files parquet-java itself cannot read, so there is no value to be faithful to. */
  static final Map<String, String> UNREADABLE = new TreeMap<>(Map.of(
      "parquet-testing/data/large_string_map.brotli.parquet", "BrotliCodec",
      "parquet-testing/data/nation.dict-malformed.parquet", "EOF",
      "parquet-testing/data/non_hadoop_lz4_compressed.parquet", "ArrayIndexOutOfBounds",
      "hyparquet/files/brotli_compressed.parquet", "BrotliCodec",
      "hyparquet/files/strings.parquet", "repetition"));

  private static final String NESTED = "nested";
  private static final String REPEATED = "repeated columns";

  /** Files parquet-java reads but Capsule refuses, with a piece of the error message. */
  static final Map<String, String> NOT_CONVERTIBLE = new TreeMap<>();

  static {
    for (String file : List.of("datapage_v2.snappy", "incorrect_map_schema", "list_columns", "map_no_value",
        "nested_lists.snappy", "nested_maps.snappy", "nested_structs.rust", "nonnullable.impala", "null_list",
        "nullable.impala", "nulls.snappy", "old_list_structure", "repeated_no_annotation")) {
      NOT_CONVERTIBLE.put("parquet-testing/data/" + file + ".parquet", NESTED);
    }
    NOT_CONVERTIBLE.put("parquet-testing/data/repeated_primitive_no_list.parquet", REPEATED);
    for (String file : List.of("adam_genotypes", "continued_page", "datapage_v2.snappy", "duckdb3734", "geoparquet",
        "hyparquet_struct", "incorrect_map_schema", "issue23", "nested_structs.rust", "nonnullable.impala",
        "nullable.impala", "repeated_no_annotation", "rowend_struct", "shredded-array", "shredded-bool", "shredded-int",
        "shredded-nested-object", "shredded-object", "shredded-partial-object", "shredded-sparse-timestamp",
        "shredded-type-mismatch", "struct_offset_index", "struct_strings")) {
      NOT_CONVERTIBLE.put("hyparquet/files/" + file + ".parquet", NESTED);
    }
    NOT_CONVERTIBLE.put("hyparquet/files/duckdb2557.parquet", REPEATED);
  }

  /** Files that convert with a non-default option, and why they need it. */
  static final Map<String, Int96Unit> INT96_UNIT = Map.of(
      // Microsecond timestamps beside one Spark wrote with an overflowed Julian day (year -294548):
      // no 64-bit unit holds both, so the bytes are kept as they are.
      "parquet-testing/data/int96_from_spark.parquet", Int96Unit.RAW);

  /** hyparquet columns whose JSON form cannot be compared with bytes. */
  static final Map<String, String> JSON_NOT_COMPARABLE = Map.of(
      "hyparquet/files/geospatial.parquet:geometry", "hyparquet decodes WKB geometries to GeoJSON objects");

  private static final Map<String, String> OUTCOMES = new TreeMap<>();

  @TempDir static Path dir;

  @TestFactory
  Stream<DynamicTest> everyCorpusFileConvertsFaithfullyOrIsListed() {
    List<Path> files = Corpus.files();
    assertTrue(files.size() > 90, "expected the whole corpus, found " + files.size() + " files under " + Corpus.root());
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : files) {
      String name = Corpus.name(file);
      tests.add(dynamicTest(name, () -> check(file, name)));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> everyListedFileExists() {
    List<String> names = Corpus.files().stream().map(Corpus::name).toList();
    List<DynamicTest> tests = new ArrayList<>();
    for (Map<String, ?> list : List.of(UNREADABLE, NOT_CONVERTIBLE, INT96_UNIT)) {
      for (String name : list.keySet()) {
        tests.add(dynamicTest(name, () -> assertTrue(names.contains(name), name + " is listed but not in the corpus")));
      }
    }
    return tests.stream();
  }

  @AfterAll
  static void summary() {
    Map<String, Integer> counts = new TreeMap<>();
    OUTCOMES.values().forEach(outcome -> counts.merge(outcome.split(":")[0], 1, Integer::sum));
    System.out.println("Parquet corpus fidelity: " + counts);
  }

  private static void check(Path file, String name) throws IOException {
    List<Group> rows;
    try {
      rows = ParquetJavaRows.read(file);
    } catch (Exception e) {
      String reason = UNREADABLE.get(name);
      assertNotNull(reason, "parquet-java cannot read " + name + " (" + e + "); list it in UNREADABLE");
      assertTrue(String.valueOf(e).contains(reason) || String.valueOf(e.getCause()).contains(reason),
          name + " fails for another reason than '" + reason + "': " + e);
      assertConversionFails(file, name);
      OUTCOMES.put(name, "unreadable by parquet-java");
      return;
    }
    assertFalse(UNREADABLE.containsKey(name), "parquet-java reads " + name + " now: take it off UNREADABLE");

    Path capsule = dir.resolve(name.replace('/', '_') + ".capsule");
    ParquetConverter.Options options = ParquetConverter.Options.defaults()
        .withWriter(WriterOptions.builder().rowGroupRows(4096).build())
        .withInt96(INT96_UNIT.getOrDefault(name, Int96Unit.NANOSECOND));
    try {
      ParquetConverter.convert(List.of(file), capsule, options, (done, total) -> {});
    } catch (ParquetInputException e) {
      String reason = NOT_CONVERTIBLE.get(name);
      assertNotNull(reason, name + " does not convert: " + e.getMessage() + "; fix it or list it in NOT_CONVERTIBLE");
      assertTrue(e.getMessage().contains(reason), name + " fails for another reason than '" + reason + "': " + e.getMessage());
      assertTrue(e.getMessage().contains(file.toString()), "the error names the file: " + e.getMessage());
      assertFalse(Files.exists(capsule), "a failed conversion left " + capsule);
      OUTCOMES.put(name, "not convertible:" + reason);
      return;
    }
    assertFalse(NOT_CONVERTIBLE.containsKey(name), name + " converts now: take it off NOT_CONVERTIBLE (the list may only shrink)");
    compareWithParquetJava(capsule, rows, name, INT96_UNIT.getOrDefault(name, Int96Unit.NANOSECOND));
    Path json = Path.of(file.toString().replaceAll("\\.parquet$", ".json"));
    if (name.startsWith("hyparquet/") && Files.exists(json)) {
      compareWithHyparquet(capsule, HyparquetRows.read(json), name);
    }
    OUTCOMES.put(name, "converted");
  }

  private static void assertConversionFails(Path file, String name) {
    Path capsule = dir.resolve(name.replace('/', '_') + ".capsule");
    try {
      ParquetConverter.convert(List.of(file), capsule, ParquetConverter.Options.defaults(), (done, total) -> {});
      fail(name + ": parquet-java cannot read it, yet it converted");
    } catch (IOException e) {
      assertTrue(e.getMessage().contains(file.toString()), "the error names the file: " + e.getMessage());
    }
    assertFalse(Files.exists(capsule), "a failed conversion left " + capsule);
  }

  static void compareWithParquetJava(Path capsule, List<Group> rows, String name, Int96Unit int96) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        CapsuleReader reader = CapsuleReader.open(capsule);
        ArrowReader batches = reader.scan(allocator, ScanOptions.all().withBatchRows(1000))) {
      assertEquals(rows.size(), reader.rowCount(), name + ": rows");
      int row = 0;
      while (batches.loadNextBatch()) {
        VectorSchemaRoot batch = batches.getVectorSchemaRoot();
        for (int i = 0; i < batch.getRowCount(); i++, row++) {
          Group expected = rows.get(row);
          GroupType type = expected.getType();
          for (int c = 0; c < batch.getFieldVectors().size(); c++) {
            FieldVector vector = batch.getVector(c);
            byte[] actual = valueBytes(vector, i);
            if (expected.getFieldRepetitionCount(c) == 0) {
              if (actual != null) {
                fail(name + ", row " + row + ", column '" + vector.getName() + "': parquet-java null, Capsule " + Arrays.toString(actual));
              }
              continue;
            }
            byte[] want = ParquetJavaRows.expectedBytes(expected, c, type.getType(c).asPrimitiveType(), int96);
            if (!Arrays.equals(want, actual)) {
              fail(name + ", row " + row + ", column '" + vector.getName() + "': parquet-java " + Arrays.toString(want)
                  + ", Capsule " + Arrays.toString(actual));
            }
          }
        }
      }
      assertEquals(rows.size(), row, name + ": rows read back");
    }
  }

  private static void compareWithHyparquet(Path capsule, JsonNode expected, String name) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        CapsuleReader reader = CapsuleReader.open(capsule);
        ArrowReader batches = reader.scan(allocator, ScanOptions.all().withBatchRows(1000))) {
      assertEquals(expected.size(), reader.rowCount(), name + ": rows in hyparquet's JSON");
      int row = 0;
      while (batches.loadNextBatch()) {
        VectorSchemaRoot batch = batches.getVectorSchemaRoot();
        for (int i = 0; i < batch.getRowCount(); i++, row++) {
          for (int c = 0; c < batch.getFieldVectors().size(); c++) {
            FieldVector vector = batch.getVector(c);
            Field field = vector.getField();
            HyparquetRows.Outcome outcome = HyparquetRows.matches(field, valueBytes(vector, i), expected.get(row).get(c));
            if (outcome == HyparquetRows.Outcome.MISMATCH) {
              fail(name + ", row " + row + ", column '" + field.getName() + "': hyparquet " + expected.get(row).get(c)
                  + ", Capsule " + vector.getObject(i));
            }
            if (outcome == HyparquetRows.Outcome.NOT_COMPARABLE) {
              assertTrue(JSON_NOT_COMPARABLE.containsKey(name + ":" + field.getName()), name + ", column '"
                  + field.getName() + "': hyparquet's " + expected.get(row).get(c) + " cannot be compared with a "
                  + field.getType() + "; compare it or list it in JSON_NOT_COMPARABLE");
            }
          }
        }
      }
    }
  }

  /** The value as {@link ParquetJavaRows#expectedBytes} gives it; null for a null. */
  static byte[] valueBytes(FieldVector vector, int i) {
    if (vector.isNull(i)) {
      return null;
    }
    if (vector instanceof BitVector) {
      return new byte[] {(byte) ((BitVector) vector).get(i)};
    }
    if (vector instanceof BaseVariableWidthVector) {
      return ((BaseVariableWidthVector) vector).get(i);
    }
    int width = dev.capsule.format.PhysicalLayout.of(vector.getField().getType()).byteWidth();
    byte[] bytes = new byte[width];
    vector.getDataBuffer().getBytes((long) i * width, bytes);
    return bytes;
  }
}
