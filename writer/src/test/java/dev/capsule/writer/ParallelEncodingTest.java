package dev.capsule.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.writer.TestColumns.Nulls;
import dev.capsule.writer.TestColumns.TestType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Columns encoded on several threads give the same bytes as on one, and a failure still aborts cleanly. */
class ParallelEncodingTest {
  @TempDir Path dir;

  @Test
  void theBytesDoNotDependOnTheThreads() throws IOException {
    byte[] one = write(dir.resolve("one.capsule"), 1, null);
    byte[] three = write(dir.resolve("three.capsule"), 3, null);
    assertArrayEquals(one, three);
  }

  @Test
  void aColumnThatFailsOnAnEncoderThreadAbortsTheWrite() {
    Path target = dir.resolve("failed.capsule");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> write(target, 3, "bool")); // bitpack cannot encode booleans
    assertTrue(e.getMessage().contains("column 'bool'"), e.getMessage());
    assertFalse(Files.exists(target));
  }

  private static byte[] write(Path target, int threads, String forceBitpack) throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      List<FieldVector> vectors = new ArrayList<>();
      for (TestType type : TestColumns.TYPES) {
        FieldVector v = TestColumns.vector(type, 3000, Nulls.SOME, type.name().hashCode(), allocator);
        FieldVector named = type.field(type.name()).createVector(allocator);
        v.makeTransferPair(named).transfer();
        v.close();
        vectors.add(named);
      }
      try (VectorSchemaRoot root = new VectorSchemaRoot(vectors)) {
        root.setRowCount(3000);
        WriterOptions.Builder options = WriterOptions.builder().rowGroupRows(1000).encodeThreads(threads);
        if (forceBitpack != null) {
          options.forceEncoding(forceBitpack, "capsule.bitpack");
        }
        try (CapsuleWriter writer = CapsuleWriter.create(target, root.getSchema(), options.build())) {
          writer.write(root);
        }
      }
    }
    try (Stream<Path> left = Files.list(target.getParent())) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "a temporary file is left");
    }
    return Files.readAllBytes(target);
  }
}
