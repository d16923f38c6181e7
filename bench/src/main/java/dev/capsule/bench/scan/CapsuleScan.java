package dev.capsule.bench.scan;

import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/** Capsule's peer: {@code CapsuleReader.open(file).scan(...)}, batches of 64K rows, columns decoded in parallel. */
final class CapsuleScan {
  private CapsuleScan() {}

  /**
   * Reads every batch of the projection; returns the rows read.
   *
   * @param threads threads decoding the columns of a batch ({@link ScanOptions#withThreads})
   */
  static long scan(Path file, Projection projection, int threads, BufferAllocator allocator) throws IOException {
    long rows = 0;
    ScanOptions options = ScanOptions.all().withColumns(projection.columns())
        .withBatchRows(ScanOptions.DEFAULT_BATCH_ROWS).withThreads(threads);
    try (CapsuleReader reader = CapsuleReader.open(file);
        ArrowReader batches = reader.scan(allocator, options)) {
      while (batches.loadNextBatch()) {
        rows += batches.getVectorSchemaRoot().getRowCount();
      }
    }
    return rows;
  }
}
