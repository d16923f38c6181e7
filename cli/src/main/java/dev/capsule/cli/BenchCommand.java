package dev.capsule.cli;

import dev.capsule.bench.data.BenchData;
import dev.capsule.bench.run.BenchProfile;
import dev.capsule.bench.run.BenchReport;
import dev.capsule.bench.run.BenchRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 108,
    description = {
      "Measure Capsule against its peers on this machine, in one run (a few minutes at SF 1; the TPC-H",
      "files are generated once and cached), print tables, and write bench.json and a chart bench.png.",
      "",
      "What is measured (JMH; each benchmark in its own JVM with a fixed, pre-touched 2 GiB heap):",
      "  decode  one column chunk per type/encoding (int32, int64, double, utf8 x plain, ree, bitpack,",
      "          dict, parquet; values shaped to suit the encoding), decoded on one thread in batches of",
      "          64K rows into an Arrow vector by: wasm = the chunk's WebAssembly decoder run by the reader",
      "          (Chicory compiler, output validation and copy into Arrow included); java = a plain-Java",
      "          decoder of the same encoding writing straight into the vector (for parquet: parquet-java's",
      "          column reader); memcpy = copying as many bytes as decoding produces (the physical limit).",
      "  scan    TPC-H lineitem into Arrow batches of 64K rows, all 16 columns and the projection",
      "          l_orderkey, l_shipdate, l_extendedprice, on 1 thread and on all cores: capsule = the",
      "          Capsule reader on the .capsule file; arrow-dataset = the C++ Parquet reader (JNI) and",
      "          parquet-java = parquet-java's column readers, both on the same rows written by parquet-java",
      "          with snappy. Files are read from the page cache.",
      "  sizes   bytes per column and per file: Capsule vs Parquet with snappy and with zstd, same rows.",
      "",
      "How to read the numbers: M/s = million values (decode) or rows (scan) per second; GB/s = decoded",
      "Arrow bytes per second (validity excluded; utf8 counts 4 offset bytes per row plus the strings).",
      "Higher is better. Compare ratios within one run (wasm/java, wasm/memcpy, capsule/arrow-dataset):",
      "absolute figures move with the machine and its load, ratios much less. On all cores the Capsule",
      "reader decodes a batch's columns in parallel; the C++ reader uses its own thread pools (bounded",
      "to one thread by OMP_NUM_THREADS=1 and ARROW_IO_THREADS=1 in the single-thread forks);",
      "parquet-java reads on the calling thread either way. JMH's own logs go to DIR/jmh-*.log."
    })
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--scale", paramLabel = "SF", description = "TPC-H scale factor of the scans and sizes (default: ${DEFAULT-VALUE}, 6 million rows)")
  double scale = 1;

  @Option(names = "--output", paramLabel = "DIR", description = "where to write bench.json, bench.png and JMH's logs (default: ${DEFAULT-VALUE})")
  Path output = Path.of("bench-results");

  @Option(names = "--cache", paramLabel = "DIR", description = "where the TPC-H files are cached (default: .capsule-cache/bench under the project, or the current folder)")
  Path cache;

  @Option(names = "--full", description = "the benchmarks' full settings (2 JVM forks of 3 warm-up and 5 measured iterations each, 4M-row decode chunks): about 70 minutes on 2 cores instead of a few")
  boolean full;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!(scale > 0)) {
      throw new IllegalArgumentException("--scale must be positive");
    }
    PrintWriter out = spec.commandLine().getOut();
    Path cacheDir = (cache != null ? cache : BenchData.cacheDir()).toAbsolutePath();
    Path dir = output.toAbsolutePath();
    Files.createDirectories(dir);
    BenchProfile profile = full ? BenchProfile.full(scale, cacheDir) : BenchProfile.quick(scale, cacheDir);
    BenchReport report = new BenchRunner(profile, dir).runAll(spec.commandLine().getErr());
    report.printTables(out);
    report.writeJson(dir.resolve("bench.json"));
    report.writeChart(dir.resolve("bench.png"));
    out.println();
    out.println("wrote " + dir.resolve("bench.json") + " and " + dir.resolve("bench.png"));
    out.flush();
    return 0;
  }
}
