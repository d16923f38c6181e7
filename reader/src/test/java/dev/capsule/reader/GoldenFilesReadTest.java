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
import java.nio.channels.FileChannel;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
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

  /** The values beside a golden file: Arrow JSON, or an Arrow IPC file for types JSON cannot hold. */
  private static VectorSchemaRoot expectedValues(Path golden, BufferAllocator allocator) throws IOException {
    Path json = Path.of(golden.toString().replace(".capsule", ".json"));
    Path ipc = Path.of(golden.toString().replace(".capsule", ".arrow"));
    assertTrue(Files.exists(json) || Files.exists(ipc), "no expected values for " + golden);
    VectorSchemaRoot copy;
    if (Files.exists(json)) {
      try (JsonFileReader in = new JsonFileReader(json.toFile(), allocator)) {
        in.start();
        return in.read();
      }
    }
    try (FileChannel channel = FileChannel.open(ipc);
        ArrowFileReader in = new ArrowFileReader(channel, allocator)) {
      assertTrue(in.loadNextBatch(), "no batch in " + ipc);
      VectorSchemaRoot loaded = in.getVectorSchemaRoot();
      copy = VectorSchemaRoot.create(loaded.getSchema(), allocator);
      for (int c = 0; c < loaded.getFieldVectors().size(); c++) {
        loaded.getVector(c).makeTransferPair(copy.getVector(c)).transfer();
      }
      copy.setRowCount(loaded.getRowCount());
      return copy;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenFiles")
  void readsTheGoldenValues(Path golden) throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      try (VectorSchemaRoot expected = expectedValues(golden, allocator);
          CapsuleReader reader = CapsuleReader.open(golden);
          ArrowReader batches = reader.scan(allocator, ScanOptions.all())) {
        assertEquals(expected.getSchema(), reader.schema());
        int row = 0;
        while (batches.loadNextBatch()) {
          VectorSchemaRoot actual = batches.getVectorSchemaRoot();
          for (int c = 0; c < actual.getFieldVectors().size(); c++) {
            if (!(actual.getVector(c) instanceof Float2Vector)) { // Arrow 19's validator does not know it
              ValueVectorUtility.validateFull(actual.getVector(c));
            }
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
