package dev.capsule.bench.scan;

import dev.capsule.bench.BenchJvm;
import dev.capsule.bench.data.BenchData;
import dev.capsule.bench.data.LineItemFiles;
import dev.capsule.reader.ScanOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End-to-end scans of TPC-H lineitem into Arrow vectors: one operation reads the whole file (all
 * columns, or l_orderkey, l_shipdate, l_extendedprice) in batches of 64K rows, from a file in the
 * page cache (the data sets are cached by {@link BenchData}). The aux counter {@code rows} is rows
 * read per second.
 *
 * <ul>
 *   <li>{@code capsule}: {@code CapsuleReader.scan} of {@code lineitem-sf<SF>.capsule}; decoding runs
 *       in the wasm decoders stored in the file, validation included.
 *   <li>{@code arrow-dataset}: the C++ Parquet reader of arrow-dataset (JNI) over the Parquet file
 *       written by parquet-java with the codec {@link #parquet} (snappy by default).
 *   <li>{@code parquet-java}: parquet-java's column readers over the same Parquet file, values
 *       copied into Arrow vectors by {@code ParquetSource}; one thread whatever {@link #threads} says.
 * </ul>
 *
 * <p>{@link #threads} is "1" or "all" (every core of the machine): Capsule decodes the columns of a
 * batch on that many threads ({@code ScanOptions.withThreads}). arrow-dataset's thread pools are sized by the environment of the process
 * ({@link ArrowThreads}): threads=1 must run in a fork started with {@code OMP_NUM_THREADS=1
 * ARROW_IO_THREADS=1}, which {@code BenchRunner} arranges; the benchmark refuses to run otherwise.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.HEAP_MIN, BenchJvm.HEAP_MAX, BenchJvm.PRETOUCH, BenchJvm.HUGE_PAGES,
    BenchJvm.GC, BenchJvm.OPENS})
@State(Scope.Benchmark)
public class ScanBenchmark {
  public static final String ALL_CORES = "all";

  @Param({"capsule", "arrow-dataset", "parquet-java"})
  public String reader;

  /** "all" columns or the 3-column "projection". */
  @Param({"all", "projection"})
  public String columns;

  /** "1" or "all". */
  @Param({"1", ALL_CORES})
  public String threads;

  /** TPC-H scale factor. */
  @Param("1")
  public double scale;

  /** Codec of the Parquet file the Parquet readers scan: "snappy" or "zstd". */
  @Param("snappy")
  public String parquet;

  private Path file;
  private Projection projection;
  private int threadCount;
  private BufferAllocator allocator;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    LineItemFiles files = BenchData.lineItem(scale);
    projection = Projection.parse(columns);
    threadCount = threadCount(threads);
    switch (reader) {
      case "capsule":
        file = files.capsule();
        break;
      case "arrow-dataset":
        ArrowThreads.require(threadCount);
        file = parquetFile(files);
        break;
      case "parquet-java":
        file = parquetFile(files);
        break;
      default:
        throw new IllegalArgumentException("unknown reader '" + reader + "'");
    }
    allocator = new RootAllocator();
  }

  /** The number of threads a "threads" parameter stands for. */
  public static int threadCount(String threads) {
    return ALL_CORES.equals(threads) ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(threads);
  }

  private Path parquetFile(LineItemFiles files) {
    switch (parquet) {
      case "snappy":
        return files.snappyParquet();
      case "zstd":
        return files.zstdParquet();
      default:
        throw new IllegalArgumentException("parquet must be 'snappy' or 'zstd', not '" + parquet + "'");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    allocator.close();
  }

  @Benchmark
  public long scan(ScanCounters counters) throws Exception {
    long rows;
    switch (reader) {
      case "capsule":
        rows = CapsuleScan.scan(file, projection, threadCount, allocator);
        break;
      case "arrow-dataset":
        rows = ArrowDatasetScan.scan(file, projection, ScanOptions.DEFAULT_BATCH_ROWS, allocator);
        break;
      default:
        rows = ParquetJavaScan.scan(file, projection, ScanOptions.DEFAULT_BATCH_ROWS, allocator);
    }
    counters.rows += rows;
    return rows;
  }
}
