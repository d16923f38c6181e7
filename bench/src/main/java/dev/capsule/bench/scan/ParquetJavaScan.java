package dev.capsule.bench.scan;

import dev.capsule.writer.parquet.ParquetSource;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * parquet-java's peer: its column readers decode the pages (one virtual call per value, as every
 * parquet-java reader does), {@link ParquetSource} copies the values into Arrow vectors. One
 * thread: parquet-java decodes the columns of a row group one after another.
 */
final class ParquetJavaScan {
  private ParquetJavaScan() {}

  /** Reads every batch of the projection; returns the rows read. */
  static long scan(Path file, Projection projection, int batchRows, BufferAllocator allocator) throws Exception {
    long rows = 0;
    try (ParquetSource source = ParquetSource.open(file, projection.columns());
        VectorSchemaRoot batch = VectorSchemaRoot.create(source.schema(), allocator)) {
      int n;
      while ((n = source.nextBatch(batch, batchRows)) > 0) {
        rows += n;
      }
    }
    return rows;
  }
}
