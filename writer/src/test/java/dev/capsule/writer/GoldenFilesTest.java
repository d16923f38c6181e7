package dev.capsule.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.writer.TestColumns.Nulls;
import dev.capsule.writer.TestColumns.TestType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.JsonFileWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The writer still produces exactly the bytes of the golden files in
 * format-spec/src/test/resources/golden (the reader module checks it still reads them). After a
 * deliberate format change, regenerate them with
 * {@code mvn -pl writer test -Dtest=GoldenFilesTest -Dcapsule.regenerateGolden=true} and update
 * SPEC.md in the same commit.
 */
class GoldenFilesTest {
  static final Path GOLDEN = Path.of("../format-spec/src/test/resources/golden");

  @TempDir Path dir;

  record Golden(String name, Function<BufferAllocator, VectorSchemaRoot> data, WriterOptions options) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Golden> goldens() {
    return Stream.of(
        new Golden("ints-ree", GoldenFilesTest::intsWithRuns,
            WriterOptions.builder().forceEncoding("x", "capsule.ree").createdBy("capsule golden").build()),
        new Golden("strings-dict", GoldenFilesTest::fewStrings,
            WriterOptions.builder().createdBy("capsule golden").build()),
        new Golden("all-types", GoldenFilesTest::allTypes,
            WriterOptions.builder().rowGroupRows(8)
                .forceEncoding("int64", "capsule.bitpack")
                .forceEncoding("utf8", "capsule.dict")
                .forceEncoding("bool", "capsule.ree")
                .forceEncoding("float64", "capsule.plain")
                .metadata("purpose", "golden file")
                .createdBy("capsule golden").build()),
        new Golden("types-1.1", allocator -> columns(TestColumns.TYPES_1_1, allocator),
            WriterOptions.builder().rowGroupRows(8)
                .forceEncoding("timestamp_ns_utc", "capsule.bitpack")
                .forceEncoding("fixed3", "capsule.dict")
                .forceEncoding("decimal256", "capsule.ree")
                .forceEncoding("uuid", "capsule.plain")
                .createdBy("capsule golden").build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldens")
  void writerProducesTheGoldenBytes(Golden golden) throws IOException {
    Path written = dir.resolve(golden.name() + ".capsule");
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = golden.data().apply(allocator)) {
      try (CapsuleWriter writer = CapsuleWriter.create(written, root.getSchema(), golden.options())) {
        writer.write(root);
      }
      Path goldenFile = GOLDEN.resolve(golden.name() + ".capsule");
      if (Boolean.getBoolean("capsule.regenerateGolden")) {
        Files.createDirectories(GOLDEN);
        Files.copy(written, goldenFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        writeExpectedValues(golden.name(), root);
      }
      assertTrue(Files.exists(goldenFile), "missing golden file " + goldenFile.toAbsolutePath());
      assertArrayEquals(Files.readAllBytes(goldenFile), Files.readAllBytes(written),
          "the writer no longer produces " + goldenFile + "; if the format changed on purpose, regenerate and update SPEC.md");
    }
  }

  /**
   * The values the reader must return, as Arrow JSON where Arrow's JSON writer knows every type, else
   * as an Arrow IPC file (it does not know half floats).
   */
  private static void writeExpectedValues(String name, VectorSchemaRoot root) throws IOException {
    boolean json = root.getSchema().getFields().stream().noneMatch(f -> f.getType().equals(
        new ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.HALF)));
    if (json) {
      try (JsonFileWriter out = new JsonFileWriter(GOLDEN.resolve(name + ".json").toFile(),
          JsonFileWriter.config().pretty(true))) {
        out.start(root.getSchema(), null);
        out.write(root);
      }
      return;
    }
    try (FileChannel channel = FileChannel.open(GOLDEN.resolve(name + ".arrow"), StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        ArrowFileWriter out = new ArrowFileWriter(root, null, channel)) {
      out.start();
      out.writeBatch();
      out.end();
    }
  }

  /** The SPEC.md worked example: int32 [7, 7, 7, -2, null, 5]. */
  static VectorSchemaRoot intsWithRuns(BufferAllocator allocator) {
    IntVector x = new IntVector(new Field("x", FieldType.nullable(new ArrowType.Int(32, true)), null), allocator);
    x.allocateNew(6);
    int[] values = {7, 7, 7, -2, 0, 5};
    for (int i = 0; i < values.length; i++) {
      if (i == 4) {
        x.setNull(i);
      } else {
        x.set(i, values[i]);
      }
    }
    x.setValueCount(6);
    return root(List.of(x), 6);
  }

  static VectorSchemaRoot fewStrings(BufferAllocator allocator) {
    VarCharVector s = new VarCharVector(new Field("city", FieldType.nullable(ArrowType.Utf8.INSTANCE), null), allocator);
    String[] cities = {"Zürich", "Lyon", "Kraków", "Lyon", "Zürich", "Zürich"};
    s.allocateNew();
    for (int i = 0; i < 30; i++) {
      if (i % 7 == 6) {
        s.setNull(i);
      } else {
        s.setSafe(i, cities[i % cities.length].getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    s.setValueCount(30);
    return root(List.of(s), 30);
  }

  static VectorSchemaRoot allTypes(BufferAllocator allocator) {
    return columns(TestColumns.TYPES_1_0, allocator);
  }

  /** One column per type, named after it: 20 rows with nulls. */
  static VectorSchemaRoot columns(List<TestType> types, BufferAllocator allocator) {
    List<FieldVector> vectors = new ArrayList<>();
    for (TestType type : types) {
      FieldVector v = TestColumns.vector(type, 20, Nulls.SOME, type.name().length(), allocator);
      FieldVector named = type.field(type.name()).createVector(allocator);
      v.makeTransferPair(named).transfer();
      v.close();
      vectors.add(named);
    }
    return root(vectors, 20);
  }

  private static VectorSchemaRoot root(List<FieldVector> vectors, int rows) {
    VectorSchemaRoot root = new VectorSchemaRoot(vectors);
    root.setRowCount(rows);
    return root;
  }
}
