package dev.capsule.writer.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.writer.WriterOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches end early when their strings and binaries pass a byte bound, so values too large for a
 * batch of many rows (an Arrow vector holds at most 2 GiB) convert; the bounds are lowered here to
 * kilobytes, as no test writes gigabytes.
 */
class ByteBoundedBatchesTest {
  private static final int ROWS = 300;
  private static final int VALUE_BYTES = 10_000;

  @TempDir static Path dir;
  static Path file;

  /** 300 rows of an id, a ~10 KB binary value (every 7th null) and a short string (every 5th null). */
  @BeforeAll
  static void writeLargeValues() throws IOException {
    List<ParquetFiles.Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      int id = i;
      rows.add(row -> {
        row.append("id", (long) id);
        if (id % 7 != 0) {
          row.append("blob", Binary.fromConstantByteArray(value(id)));
        }
        if (id % 5 != 0) {
          row.append("name", "name " + id);
        }
      });
    }
    file = ParquetFiles.write(dir.resolve("large.parquet"),
        "message m { required int64 id; optional binary blob; optional binary name (STRING); }", rows);
  }

  /** Value of row {@code id}: VALUE_BYTES plus a few, so rows differ in size. */
  static byte[] value(int id) {
    byte[] bytes = new byte[VALUE_BYTES + id % 3];
    Arrays.fill(bytes, (byte) id);
    return bytes;
  }

  @Test
  void batchesEndOnceTheirValuesPassTheByteBound() throws IOException {
    long bound = 64 * 1024;
    List<Integer> sizes = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        ParquetSource source = ParquetSource.open(file);
        VectorSchemaRoot root = VectorSchemaRoot.create(source.schema(), allocator)) {
      int rows;
      long row = 0;
      while ((rows = source.nextBatch(root, 65_536, bound)) > 0) {
        sizes.add(rows);
        VarBinaryVector blob = (VarBinaryVector) root.getVector("blob");
        VarCharVector name = (VarCharVector) root.getVector("name");
        long bytes = blob.getOffsetBuffer().getInt(4L * rows) + name.getOffsetBuffer().getInt(4L * rows);
        assertTrue(bytes <= bound, "a batch of " + rows + " rows holds " + bytes + " bytes");
        for (int i = 0; i < rows; i++, row++) {
          assertEquals(row, ((BigIntVector) root.getVector("id")).get(i));
          if (row % 7 == 0) {
            assertTrue(blob.isNull(i), "row " + row);
          } else {
            assertArrayEquals(value((int) row), blob.get(i), "row " + row);
          }
          assertEquals(row % 5 == 0 ? null : "name " + row, name.isNull(i) ? null : name.getObject(i).toString());
        }
      }
      assertEquals(ROWS, row);
    }
    // Six values of ~10 KB fit 64 KiB, a seventh not (and every 7th row is null): far from 300 rows.
    assertTrue(sizes.stream().allMatch(n -> n <= 8), sizes.toString());
    assertEquals(ROWS, sizes.stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void aRowLargerThanTheBoundIsABatchOfItsOwn() throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        ParquetSource source = ParquetSource.open(file, List.of("blob"));
        VectorSchemaRoot root = VectorSchemaRoot.create(source.schema(), allocator)) {
      assertEquals(1, source.nextBatch(root, 100, 1000)); // row 0, null; row 1 alone passes 1000 bytes
      for (int row = 1; row < 4; row++) {
        assertEquals(1, source.nextBatch(root, 100, 1000));
        assertArrayEquals(value(row), ((VarBinaryVector) root.getVector(0)).get(0));
      }
    }
  }

  @Test
  void batchesEndBeforeAVectorWouldPassWhatArrowHolds() throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        ParquetSource source = ParquetSource.open(file);
        VectorSchemaRoot root = VectorSchemaRoot.create(source.schema(), allocator)) {
      source.limitVectorBytes(3 * VALUE_BYTES + 3);
      // The byte bound would allow every row; the vector bound ends a batch at three values.
      assertEquals(4, source.nextBatch(root, 65_536, Long.MAX_VALUE)); // rows 0 (null) to 3
      assertEquals(4, source.nextBatch(root, 65_536, Long.MAX_VALUE)); // rows 4 to 7 (null)
      assertArrayEquals(value(6), ((VarBinaryVector) root.getVector("blob")).get(2));
    }
  }

  @Test
  void aValueLargerThanAnArrowVectorHoldsIsAClearError() throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        ParquetSource source = ParquetSource.open(file);
        VectorSchemaRoot root = VectorSchemaRoot.create(source.schema(), allocator)) {
      source.limitVectorBytes(VALUE_BYTES + 1); // row 1 fits, row 2 (VALUE_BYTES + 2) never will
      ParquetInputException e = assertThrows(ParquetInputException.class, () -> source.nextBatch(root, 65_536));
      assertEquals(file + ", row group 0, column 'blob', row 2: a value of " + (VALUE_BYTES + 2)
          + " bytes is larger than an Arrow vector holds (" + (VALUE_BYTES + 1) + " bytes); Capsule cannot convert it",
          e.getMessage());
    }
  }

  @Test
  void largeValuesConvertInByteBoundedBatches() throws IOException {
    Path output = dir.resolve("large.capsule");
    ParquetConverter.Options options = ParquetConverter.Options.defaults().withBatchBytes(50_000)
        .withWriter(WriterOptions.builder().maxRowGroupBytes(200_000).build());
    List<long[]> progress = new ArrayList<>();
    ParquetConverter.Result result = ParquetConverter.convert(List.of(file), output, options,
        (done, total) -> progress.add(new long[] {done, total}));
    assertEquals(ROWS, result.rows());
    assertTrue(progress.size() >= ROWS / 6, "batches of at most 4 values: " + progress.size());
    ParquetCorpusFidelityTest.compareWithParquetJava(output, ParquetJavaRows.read(file), file.toString(),
        Int96Unit.NANOSECOND);
  }

  @Test
  void theBatchByteBoundIs64MiBAndMustBePositive() {
    assertEquals(64L << 20, ParquetConverter.Options.defaults().batchBytes());
    assertThrows(IllegalArgumentException.class, () -> ParquetConverter.Options.defaults().withBatchBytes(0));
  }
}
