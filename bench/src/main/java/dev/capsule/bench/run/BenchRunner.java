package dev.capsule.bench.run;

import dev.capsule.bench.BenchJvm;
import dev.capsule.bench.data.BenchData;
import dev.capsule.bench.decode.DecodeBenchmark;
import dev.capsule.bench.scan.ArrowThreads;
import dev.capsule.bench.scan.ScanBenchmark;
import dev.capsule.bench.sizes.FileSizes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks with a {@link BenchProfile} and collects their results. Single-thread
 * scans run in forks launched with {@link ArrowThreads#singleThreadEnvironment()}, the only way to
 * bound arrow-dataset's native thread pools.
 */
public final class BenchRunner {
  private final BenchProfile profile;
  private final Path logDir;

  /**
   * @param logDir folder that receives JMH's own output, one jmh-*.log file per run, or null for
   *     standard output
   */
  public BenchRunner(BenchProfile profile, Path logDir) {
    this.profile = profile;
    this.logDir = logDir;
  }

  /**
   * Everything the profile asks for: the decode benchmark, the scans, the file sizes; progress lines
   * go to progress.
   */
  public BenchReport runAll(PrintWriter progress) throws RunnerException, IOException {
    progress.printf("decode benchmarks: %d cases x (wasm, wasm open, java, memcpy), %,d rows each...%n",
        profile.decodeCases().size(), profile.decodeRows());
    progress.flush();
    List<BenchResult> decode = decode();
    progress.printf("scan benchmarks: TPC-H lineitem SF %s (data cached in %s), threads %s...%n",
        profile.scale(), profile.cacheDir(), profile.threads());
    progress.flush();
    List<BenchResult> scan = scan();
    FileSizes sizes = FileSizes.measure(BenchData.lineItem(profile.cacheDir(), profile.scale()));
    return new BenchReport(BenchReport.environment(profile), decode, scan, sizes);
  }

  /** The decode benchmark, every case of the profile. */
  public List<BenchResult> decode() throws RunnerException {
    ChainedOptionsBuilder options = options(DecodeBenchmark.class, "decode")
        .param("rows", Integer.toString(profile.decodeRows()))
        .param("column", profile.decodeCases().toArray(new String[0]));
    return run(options);
  }

  /** The scan benchmark at the profile's scale, for each thread count of the profile. */
  public List<BenchResult> scan() throws RunnerException, IOException {
    BenchData.lineItem(profile.cacheDir(), profile.scale()); // generate once, before any fork
    List<BenchResult> results = new ArrayList<>();
    for (String threads : profile.threads()) {
      ChainedOptionsBuilder options = options(ScanBenchmark.class, "scan-threads-" + threads)
          .param("scale", Double.toString(profile.scale()))
          .param("threads", threads);
      if (!threads.equals(ScanBenchmark.ALL_CORES) && ScanBenchmark.threadCount(threads) == 1) {
        if (profile.forks() == 0) {
          throw new IllegalArgumentException("single-thread scans need forks: this JVM's environment is fixed");
        }
        options.jvm(ForkedJvm.withEnvironment(profile.cacheDir(), ArrowThreads.singleThreadEnvironment()).toString());
      }
      results.addAll(run(options));
    }
    return results;
  }

  private ChainedOptionsBuilder options(Class<?> benchmark, String name) {
    List<String> jvmArgs = new ArrayList<>(BenchJvm.flags());
    jvmArgs.add("-D" + BenchData.CACHE_PROPERTY + "=" + profile.cacheDir());
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include("^" + Pattern.quote(benchmark.getName()) + "\\.")
        .forks(profile.forks())
        .warmupIterations(profile.warmupIterations())
        .warmupTime(TimeValue.milliseconds(profile.iterationMillis()))
        .measurementIterations(profile.measurementIterations())
        .measurementTime(TimeValue.milliseconds(profile.iterationMillis()))
        .jvmArgsAppend(jvmArgs.toArray(new String[0]))
        .shouldFailOnError(true);
    if (logDir != null) {
      options.output(logDir.resolve("jmh-" + name + ".log").toString());
    }
    return options;
  }

  private static List<BenchResult> run(ChainedOptionsBuilder options) throws RunnerException {
    Collection<RunResult> runs = new Runner(options.build()).run();
    List<BenchResult> results = new ArrayList<>();
    for (RunResult run : runs) {
      results.add(BenchResult.of(run));
    }
    return results;
  }
}
