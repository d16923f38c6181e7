package dev.capsule.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compare.Range;
import org.apache.arrow.vector.compare.RangeEqualsVisitor;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.JsonFileReader;
import org.apache.arrow.vector.util.ValueVectorUtility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reader still reads every golden file in format-spec/src/test/resources/golden to the values
 * stored beside it as Arrow JSON (the writer module checks it still writes the same bytes).
 */
class GoldenFilesReadTest {
  static final Path GOLDEN = Path.of("../format-spec/src/test/resources/golden");

  static Stream<Path> goldenFiles() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(GOLDEN)) {
      files = list.filter(p -> p.toString().endsWith(".capsule")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no golden files in " + GOLDEN.toAbsolutePath());
    return files.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenFiles")
  void readsTheGoldenValues(Path golden) throws IOException {
    Path json = Path.of(golden.toString().replace(".capsule", ".json"));
    assertTrue(Files.exists(json), "no expected values for " + golden);
    try (BufferAllocator allocator = new RootAllocator();
        JsonFileReader expectedReader = new JsonFileReader(json.toFile(), allocator)) {
      expectedReader.start();
      try (VectorSchemaRoot expected = expectedReader.read();
          CapsuleReader reader = CapsuleReader.open(golden);
          ArrowReader batches = reader.scan(allocator, ScanOptions.all())) {
        assertEquals(expected.getSchema(), reader.schema());
        int row = 0;
        while (batches.loadNextBatch()) {
          VectorSchemaRoot actual = batches.getVectorSchemaRoot();
          for (int c = 0; c < actual.getFieldVectors().size(); c++) {
            ValueVectorUtility.validateFull(actual.getVector(c));
            assertTrue(new RangeEqualsVisitor(expected.getVector(c), actual.getVector(c))
                    .rangeEquals(new Range(row, 0, actual.getRowCount())),
                golden + ": column " + actual.getVector(c).getName() + " differs in the batch at row " + row);
          }
          row += actual.getRowCount();
        }
        assertEquals(expected.getRowCount(), row);
      }
    }
  }
}
