package dev.capsule.bench.run;

import dev.capsule.bench.decode.DecodeCase;
import java.nio.file.Path;
import java.util.List;

/**
 * How long and on how much data a run measures.
 *
 * @param forks JMH forks per benchmark; 0 runs in this JVM (smoke tests only: no pre-touched heap,
 *     no single-thread arrow-dataset runs, since the environment of this JVM is fixed)
 * @param warmupIterations warm-up iterations per fork
 * @param measurementIterations measured iterations per fork
 * @param iterationMillis length of each iteration (an operation in progress is always finished)
 * @param decodeRows rows of each decode benchmark chunk
 * @param decodeCases "type/encoding" cases of the decode benchmark
 * @param scale TPC-H scale factor of the scans and file sizes
 * @param threads "threads" values of the scans: "1" and/or "all"
 * @param cacheDir where the data sets are cached
 */
public record BenchProfile(int forks, int warmupIterations, int measurementIterations, int iterationMillis,
    int decodeRows, List<String> decodeCases, double scale, List<String> threads, Path cacheDir) {

  /** A few minutes: every benchmark once, short iterations, 1M-row decode chunks. */
  public static BenchProfile quick(double scale, Path cacheDir) {
    return new BenchProfile(1, 1, 3, 1000, 1 << 20, List.of(DecodeCase.ALL), scale, List.of("1", "all"), cacheDir);
  }

  /**
   * The benchmarks' own defaults (3 warm-up and 5 measured iterations of 2-3 s, 4M-row decode
   * chunks) in 2 forks: on this kind of shared VM a single fork of the same benchmark lands in one of
   * two modes up to 1.5x apart (seen for the Java and the wasm decoders alike), so one fork per side
   * can swing a wasm/java ratio from 0.65 to 1.3; the mean of two forks is what the ratios use.
   */
  public static BenchProfile full(double scale, Path cacheDir) {
    return new BenchProfile(2, 3, 5, 2500, 1 << 22, List.of(DecodeCase.ALL), scale, List.of("1", "all"), cacheDir);
  }

  /** Proves every benchmark runs: in-process, one short iteration, tiny data. */
  public static BenchProfile smoke(Path cacheDir) {
    return new BenchProfile(0, 0, 1, 50, 1 << 16, List.of(DecodeCase.ALL), 0.01, List.of("all"), cacheDir);
  }
}
