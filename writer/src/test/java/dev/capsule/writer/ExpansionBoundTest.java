package dev.capsule.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.format.DecoderException;
import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import dev.capsule.reader.wasm.DecodeLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run or a dictionary entry repeated on every row makes a chunk of a few KiB that expands to
 * megabytes: the reader bounds a batch's expansion by the decoder memory cap (SPEC 9.3) and says
 * to request fewer rows, which then read.
 */
class ExpansionBoundTest {
  private static final int ROWS = 2048;
  private static final String VALUE = "x".repeat(4095) + "é"; // 4 KiB: 8 MiB of rows
  private static final DecodeLimits TWO_MIB = DecodeLimits.defaults().withMemoryCapBytes(2 << 20);

  @TempDir Path dir;

  @Test
  void aBatchThatExpandsPastTheMemoryCapIsRefusedAndSmallerOnesRead() throws IOException {
    for (String encoding : List.of("capsule.ree", "capsule.dict")) {
      Path file = write(encoding);
      DecoderException e = assertThrows(DecoderException.class, () -> readRows(file, ROWS));
      assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("column 's'"), e.getMessage());
      assertTrue(e.getMessage().contains("rows 0 + 2048 expand to 8390656 bytes of values, more than the 2097152 a"
          + " batch may expand to"), e.getMessage());
      assertTrue(e.getMessage().endsWith("request fewer rows per batch"), e.getMessage());
      assertEquals(ROWS, readRows(file, 256), encoding + ": 256 rows expand to 1 MiB");
    }
  }

  private Path write(String encoding) throws IOException {
    Path file = dir.resolve(encoding + ".capsule");
    try (BufferAllocator allocator = new RootAllocator();
        VarCharVector vector = new VarCharVector("s", allocator)) {
      vector.allocateNew();
      for (int i = 0; i < ROWS; i++) {
        vector.setSafe(i, VALUE.getBytes(StandardCharsets.UTF_8));
      }
      vector.setValueCount(ROWS);
      VectorSchemaRoot root = new VectorSchemaRoot(List.of(vector));
      root.setRowCount(ROWS);
      WriterOptions options = WriterOptions.builder().forceEncoding("s", encoding).build();
      try (CapsuleWriter writer = CapsuleWriter.create(file, root.getSchema(), options)) {
        writer.write(root);
      }
    }
    return file;
  }

  /** Reads every row in batches of batchRows, checking each; returns how many there were. */
  private static int readRows(Path file, int batchRows) throws IOException {
    int rows = 0;
    try (BufferAllocator allocator = new RootAllocator();
        CapsuleReader reader = CapsuleReader.open(file, TWO_MIB);
        ArrowReader batches = reader.scan(allocator, ScanOptions.all().withBatchRows(batchRows))) {
      while (batches.loadNextBatch()) {
        VarCharVector v = (VarCharVector) batches.getVectorSchemaRoot().getVector(0);
        for (int i = 0; i < v.getValueCount(); i++, rows++) {
          assertEquals(VALUE, new String(v.get(i), StandardCharsets.UTF_8), "row " + rows);
        }
      }
    }
    return rows;
  }
}
