package dev.capsule.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dictionaries of 1000 entries are padded to 1024, and the dict decoder then skips its per-row range
 * check (all 10-bit codes are in range): every row must still read back, in batches of every kind
 * (shorter and longer than the dictionary, not multiples of 8), with nulls among them.
 */
class DictPaddingReadTest {
  private static final int ROWS = 65_536;
  private static final int DISTINCT = 1000;

  @TempDir Path dir;

  @Test
  void paddedDictionariesReadBackThroughTheWasmDecoder() throws IOException {
    Path file = dir.resolve("padded.capsule");
    try (BufferAllocator allocator = new RootAllocator();
        IntVector ints = new IntVector("i", allocator);
        BigIntVector longs = new BigIntVector("l", allocator);
        VarCharVector strings = new VarCharVector("s", allocator)) {
      ints.allocateNew(ROWS);
      longs.allocateNew(ROWS);
      strings.allocateNew();
      for (int row = 0; row < ROWS; row++) {
        ints.set(row, intValue(row));
        longs.set(row, longValue(row));
        if (row % 13 != 0) {
          strings.setSafe(row, stringValue(row).getBytes(StandardCharsets.UTF_8));
        }
      }
      VectorSchemaRoot root = new VectorSchemaRoot(List.<FieldVector>of(ints, longs, strings));
      root.setRowCount(ROWS);
      WriterOptions options = WriterOptions.builder()
          .forceEncoding("i", "capsule.dict").forceEncoding("l", "capsule.dict").forceEncoding("s", "capsule.dict")
          .build();
      try (CapsuleWriter writer = CapsuleWriter.create(file, root.getSchema(), options)) {
        writer.write(root);
      }
    }
    assertTrue(Files.size(file) > 0);
    for (int batchRows : new int[] {777, 4099, ROWS}) {
      assertEquals(ROWS, readAndCheck(file, batchRows), "batches of " + batchRows);
    }
  }

  private static int key(int row) {
    return (int) ((row * 7919L) % DISTINCT);
  }

  private static int intValue(int row) {
    return -5_000 + 17 * key(row);
  }

  private static long longValue(int row) {
    return (1L << 40) + 31L * key(row);
  }

  private static String stringValue(int row) {
    return "v" + key(row) + "é".repeat(key(row) % 3);
  }

  private static int readAndCheck(Path file, int batchRows) throws IOException {
    int row = 0;
    try (BufferAllocator allocator = new RootAllocator();
        CapsuleReader reader = CapsuleReader.open(file);
        ArrowReader batches = reader.scan(allocator, ScanOptions.all().withBatchRows(batchRows))) {
      while (batches.loadNextBatch()) {
        VectorSchemaRoot root = batches.getVectorSchemaRoot();
        IntVector ints = (IntVector) root.getVector("i");
        BigIntVector longs = (BigIntVector) root.getVector("l");
        VarCharVector strings = (VarCharVector) root.getVector("s");
        for (int i = 0; i < root.getRowCount(); i++, row++) {
          assertEquals(intValue(row), ints.get(i), "i, row " + row);
          assertEquals(longValue(row), longs.get(i), "l, row " + row);
          if (row % 13 == 0) {
            assertTrue(strings.isNull(i), "s, row " + row + " is null");
          } else {
            assertEquals(stringValue(row), new String(strings.get(i), StandardCharsets.UTF_8), "s, row " + row);
          }
        }
      }
    }
    return row;
  }
}
