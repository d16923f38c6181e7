package dev.capsule.bench.scan;

import java.nio.file.Path;
import java.util.Optional;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.dataset.source.DatasetFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * The C++ Parquet reader's peer, through arrow-dataset's JNI bindings: a FileSystemDatasetFactory
 * over one file, the native default memory pool, batches of 64K rows, exported into Java Arrow
 * vectors through the C data interface.
 *
 * <p>Threads: the C++ Parquet reader decodes on Arrow's process-wide CPU thread pool (the dataset
 * scanner hands {@code GetCpuThreadPool()} to the Parquet reader even when the scan itself runs
 * serially), and reads on its I/O pool. Neither can be sized from Java; see {@link ArrowThreads}.
 */
final class ArrowDatasetScan {
  private ArrowDatasetScan() {}

  /** Reads every batch of the projection; returns the rows read. */
  static long scan(Path file, Projection projection, int batchRows, BufferAllocator allocator) throws Exception {
    Optional<String[]> columns = projection.columns() == null
        ? Optional.empty()
        : Optional.of(projection.columns().toArray(new String[0]));
    long rows = 0;
    try (DatasetFactory factory = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(),
            FileFormat.PARQUET, file.toUri().toString());
        Dataset dataset = factory.finish();
        Scanner scanner = dataset.newScan(new ScanOptions(batchRows, columns));
        ArrowReader batches = scanner.scanBatches()) {
      while (batches.loadNextBatch()) {
        rows += batches.getVectorSchemaRoot().getRowCount();
      }
    }
    return rows;
  }
}
