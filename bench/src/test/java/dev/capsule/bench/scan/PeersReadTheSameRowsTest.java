package dev.capsule.bench.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.bench.data.TestData;
import dev.capsule.bench.data.LineItemFiles;
import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import dev.capsule.writer.parquet.ParquetSource;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.dataset.source.DatasetFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.Test;

/**
 * The scan peers compare like with like: the cached Capsule and Parquet files hold the same rows with
 * the same Arrow types, and every peer returns them (digest of every value of every column, and the
 * types): Capsule, arrow-dataset, parquet-java. Also checks the peers' own row counts on both
 * projections.
 */
class PeersReadTheSameRowsTest {
  @Test
  void capsuleAndBothParquetFilesHoldTheSameValues() throws Exception {
    LineItemFiles files = TestData.lineItem();
    try (BufferAllocator allocator = new RootAllocator()) {
      List<String> capsule;
      try (CapsuleReader reader = CapsuleReader.open(files.capsule());
          ArrowReader batches = reader.scan(allocator, ScanOptions.all())) {
        capsule = digests(batches);
      }
      assertEquals(capsule, parquetDigests(files.snappyParquet(), allocator), "snappy Parquet");
      assertEquals(capsule, parquetDigests(files.zstdParquet(), allocator), "zstd Parquet");
      assertEquals(capsule, parquetJavaDigests(files.snappyParquet(), allocator), "snappy Parquet through parquet-java");

      for (Projection projection : Projection.values()) {
        long rows = CapsuleScan.scan(files.capsule(), projection, 1, allocator);
        assertEquals(TestData.ROWS, rows);
        assertEquals(rows, ArrowDatasetScan.scan(files.snappyParquet(), projection, 65_536, allocator));
        assertEquals(rows, ParquetJavaScan.scan(files.snappyParquet(), projection, 65_536, allocator));
      }
    }
  }

  private static List<String> parquetDigests(Path file, BufferAllocator allocator) throws Exception {
    try (DatasetFactory factory = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(),
            FileFormat.PARQUET, file.toUri().toString());
        Dataset dataset = factory.finish();
        Scanner scanner = dataset.newScan(new org.apache.arrow.dataset.scanner.ScanOptions(65_536, Optional.empty()));
        ArrowReader batches = scanner.scanBatches()) {
      return digests(batches);
    }
  }

  private static List<String> parquetJavaDigests(Path file, BufferAllocator allocator) throws Exception {
    try (ParquetSource source = ParquetSource.open(file);
        VectorSchemaRoot batch = VectorSchemaRoot.create(source.schema(), allocator)) {
      return digests(() -> source.nextBatch(batch, 65_536) > 0 ? batch : null);
    }
  }

  /** The next batch, or null at the end. */
  private interface Batches {
    VectorSchemaRoot next() throws Exception;
  }

  private static List<String> digests(ArrowReader reader) throws Exception {
    return digests(() -> reader.loadNextBatch() ? reader.getVectorSchemaRoot() : null);
  }

  /** Per column: name, Arrow type, and a SHA-256 over the text of every value in row order. */
  private static List<String> digests(Batches batches) throws Exception {
    List<MessageDigest> digests = new ArrayList<>();
    List<String> names = new ArrayList<>();
    VectorSchemaRoot root;
    while ((root = batches.next()) != null) {
      for (int c = 0; c < root.getFieldVectors().size(); c++) {
        FieldVector vector = root.getVector(c);
        if (digests.size() <= c) {
          digests.add(MessageDigest.getInstance("SHA-256"));
          names.add(vector.getName() + " " + vector.getField().getType());
        }
        for (int i = 0; i < root.getRowCount(); i++) {
          digests.get(c).update((vector.getObject(i) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
      }
    }
    List<String> result = new ArrayList<>();
    for (int c = 0; c < digests.size(); c++) {
      result.add(names.get(c) + " " + HexFormat.of().formatHex(digests.get(c).digest()));
    }
    return result;
  }
}
