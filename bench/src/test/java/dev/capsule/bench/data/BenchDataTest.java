package dev.capsule.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.capsule.bench.tpch.LineItemTable;
import dev.capsule.reader.CapsuleReader;
import dev.capsule.writer.CapsuleWriter;
import dev.capsule.writer.WriterOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchDataTest {
  private static final double SCALE = 0.0005;

  @Test
  void keepsAFileTodaysWriterWroteAndReplacesOneItDidNot(@TempDir Path dir) throws IOException {
    LineItemFiles files = BenchData.lineItem(dir, SCALE);
    assertEquals(WriterFingerprint.current(), fingerprintOf(files.capsule()));

    Files.setLastModifiedTime(files.capsule(), FileTime.fromMillis(0));
    BenchData.lineItem(dir, SCALE);
    assertEquals(0, Files.getLastModifiedTime(files.capsule()).toMillis(), "a current file is kept");

    // A file written with the same data but without the fingerprint stands for an older writer's.
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot batch = LineItemTable.newRoot(allocator);
        CapsuleWriter writer = CapsuleWriter.create(files.capsule(), LineItemTable.SCHEMA, WriterOptions.defaults())) {
      LineItemTable source = new LineItemTable(SCALE);
      while (source.nextBatch(batch, 1024) > 0) {
        writer.write(batch);
      }
    }
    assertNull(fingerprintOf(files.capsule()));
    BenchData.lineItem(dir, SCALE);
    assertEquals(WriterFingerprint.current(), fingerprintOf(files.capsule()), "an older writer's file is written again");
    assertNotEquals(0, Files.getLastModifiedTime(files.capsule()).toMillis());
  }

  private static String fingerprintOf(Path file) throws IOException {
    try (CapsuleReader reader = CapsuleReader.open(file)) {
      return reader.metadata().footer().getMetadataList().stream()
          .filter(kv -> kv.getKey().equals(WriterFingerprint.KEY)).map(kv -> kv.getValue()).findFirst().orElse(null);
    }
  }
}
