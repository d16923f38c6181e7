package dev.capsule.bench.data;

import dev.capsule.bench.tpch.LineItemTable;
import dev.capsule.format.CapsuleFormatException;
import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import dev.capsule.writer.CapsuleWriter;
import dev.capsule.writer.WriterOptions;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The benchmark data sets, generated once and cached on disk: TPC-H lineitem at a scale factor as
 * {@code lineitem-sf<SF>.capsule} (CapsuleWriter, default options), {@code lineitem-sf<SF>.snappy.parquet}
 * and {@code lineitem-sf<SF>.zstd.parquet} (parquet-java defaults), all three from the same Arrow
 * batches in one pass of the generator.
 *
 * <p>The cache directory is {@code .capsule-cache/bench} under the project root (found by walking up
 * from the working directory to the folder holding {@code bench/pom.xml}), or the system property
 * {@value #CACHE_PROPERTY}. Files appear atomically (written under a temporary name, then renamed),
 * so an interrupted run leaves no half file that a later run would trust; a lock file serialises
 * generation between processes. A cached Capsule file that today's writer did not write (see
 * {@link WriterFingerprint}) is generated again, under the lock.
 */
public final class BenchData {
  public static final String CACHE_PROPERTY = "capsule.bench.cache";
  private static final int BATCH_ROWS = ScanOptions.DEFAULT_BATCH_ROWS;

  private BenchData() {}

  /** The cache directory in use (not created). */
  public static Path cacheDir() {
    String configured = System.getProperty(CACHE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath();
    }
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("bench/pom.xml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir.resolve(".capsule-cache/bench");
      }
    }
    return start.resolve(".capsule-cache/bench");
  }

  /** The lineitem files at this scale factor in the cache directory, generated if missing. */
  public static LineItemFiles lineItem(double scale) throws IOException {
    return lineItem(cacheDir(), scale);
  }

  /** The lineitem files at this scale factor in dir, generated if missing. */
  public static synchronized LineItemFiles lineItem(Path dir, double scale) throws IOException {
    if (!(scale > 0)) {
      throw new IllegalArgumentException("scale factor must be positive: " + scale);
    }
    String base = "lineitem-sf" + BigDecimal.valueOf(scale).stripTrailingZeros().toPlainString();
    LineItemFiles files = new LineItemFiles(scale, dir.resolve(base + ".capsule"),
        dir.resolve(base + ".snappy.parquet"), dir.resolve(base + ".zstd.parquet"));
    if (complete(files)) {
      return files;
    }
    Files.createDirectories(dir);
    try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      if (!complete(files)) { // another process may have finished them while we waited
        generate(files);
      }
    }
    return files;
  }

  private static boolean complete(LineItemFiles files) throws IOException {
    return currentCapsule(files.capsule()) && Files.isRegularFile(files.snappyParquet())
        && Files.isRegularFile(files.zstdParquet());
  }

  /**
   * Whether a cached Capsule file exists, today's reader accepts it, and today's writer wrote it (its
   * footer carries the {@link WriterFingerprint}). Any other is replaced when the files are generated.
   */
  private static boolean currentCapsule(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (CapsuleReader reader = CapsuleReader.open(file)) {
      return reader.rowCount() > 0 && reader.metadata().footer().getMetadataList().stream()
          .anyMatch(kv -> kv.getKey().equals(WriterFingerprint.KEY) && kv.getValue().equals(WriterFingerprint.current()));
    } catch (CapsuleFormatException e) {
      return false;
    }
  }

  /** One pass of the generator feeds every missing file; each is renamed into place when complete. */
  private static void generate(LineItemFiles files) throws IOException {
    List<Output> outputs = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot batch = LineItemTable.newRoot(allocator)) {
      try {
        if (!currentCapsule(files.capsule())) { // replaced by the rename at the end
          outputs.add(Output.capsule(files.capsule()));
        }
        if (!Files.isRegularFile(files.snappyParquet())) {
          outputs.add(Output.parquet(files.snappyParquet(), CompressionCodecName.SNAPPY));
        }
        if (!Files.isRegularFile(files.zstdParquet())) {
          outputs.add(Output.parquet(files.zstdParquet(), CompressionCodecName.ZSTD));
        }
        LineItemTable source = new LineItemTable(files.scale());
        while (source.nextBatch(batch, BATCH_ROWS) > 0) {
          for (Output output : outputs) {
            output.write(batch);
          }
        }
        for (Output output : outputs) {
          output.commit();
        }
      } finally {
        for (Output output : outputs) {
          output.abortIfOpen();
        }
      }
    }
  }

  /** One file being written under a temporary name. */
  private static final class Output {
    private final Path target;
    private final Path temporary;
    private CapsuleWriter capsule;
    private ParquetFileWriter parquet;
    private boolean open = true;

    private Output(Path target) {
      this.target = target;
      this.temporary = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    }

    static Output capsule(Path target) throws IOException {
      Output output = new Output(target);
      Files.deleteIfExists(output.temporary);
      output.capsule = CapsuleWriter.create(output.temporary, LineItemTable.SCHEMA,
          WriterOptions.builder().metadata(WriterFingerprint.KEY, WriterFingerprint.current()).build());
      return output;
    }

    static Output parquet(Path target, CompressionCodecName codec) throws IOException {
      Output output = new Output(target);
      Files.deleteIfExists(output.temporary);
      output.parquet = new ParquetFileWriter(output.temporary, LineItemTable.SCHEMA, codec);
      return output;
    }

    void write(VectorSchemaRoot batch) throws IOException {
      if (capsule != null) {
        capsule.write(batch);
      } else {
        parquet.write(batch);
      }
    }

    void commit() throws IOException {
      if (capsule != null) {
        capsule.close();
      } else {
        parquet.close();
      }
      open = false;
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    void abortIfOpen() {
      if (!open) {
        return;
      }
      open = false;
      if (capsule != null) {
        capsule.abort();
      } else {
        try {
          parquet.close();
        } catch (IOException | RuntimeException e) {
          // the temporary file is deleted below either way
        }
      }
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException e) {
        // a stray temporary file is never trusted: only complete files carry the final name
      }
    }
  }
}
