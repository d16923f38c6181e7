package dev.capsule.bench.scan;

import java.util.Map;

/**
 * How many threads arrow-dataset's C++ code may use, which only the process environment decides.
 *
 * <p>What we found (Arrow C++ docs "Thread Management" and arrow-dataset's sources): the CPU pool,
 * where the Parquet reader decodes, is sized once per process from {@code OMP_NUM_THREADS} (capped
 * by {@code OMP_THREAD_LIMIT}), else from the CPUs the process may run on; the I/O pool (8 threads by
 * default), where file reads and pre-buffering run, from {@code ARROW_IO_THREADS}. The Java bindings
 * expose neither {@code SetCpuThreadPoolCapacity} nor a use-threads switch, and the variables are
 * read when the native library first creates the pools, so they must be in the environment of the
 * JVM that loads it. JMH's {@code @Fork(jvmArgsAppend)} cannot set environment variables, so the
 * single-thread runs start their forks through {@code ForkedJvm}, a launcher that sets them.
 * {@code taskset} would also bound the pool (the default follows CPU affinity) but would bind the
 * JVM's JIT and GC threads to the same core too, penalising the Java peers; it is not used.
 */
public final class ArrowThreads {
  /** Sizes Arrow's CPU thread pool. */
  public static final String CPU_THREADS = "OMP_NUM_THREADS";
  /** Sizes Arrow's I/O thread pool. */
  public static final String IO_THREADS = "ARROW_IO_THREADS";

  private ArrowThreads() {}

  /** The environment that bounds arrow-dataset to one thread of each kind. */
  public static Map<String, String> singleThreadEnvironment() {
    return Map.of(CPU_THREADS, "1", IO_THREADS, "1");
  }

  /** The CPU pool size this process's Arrow uses. */
  static int cpuThreads() {
    String value = System.getenv(CPU_THREADS);
    if (value != null) {
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        // Arrow ignores an unparsable value too
      }
    }
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Fails unless this process's Arrow CPU pool has the requested size, so a result is never
   * labelled with a thread count it did not run with.
   */
  static void require(int threads) {
    int actual = cpuThreads();
    if (actual != threads) {
      throw new IllegalStateException("arrow-dataset with threads=" + threads + " needs a JVM whose Arrow CPU pool"
          + " has " + threads + " thread(s), this one has " + actual + " (" + CPU_THREADS + "="
          + System.getenv(CPU_THREADS) + "). Run the benchmarks through dev.capsule.bench.run.BenchRunner or"
          + " `capsule bench`, which start single-thread forks with " + singleThreadEnvironment()
          + ", or start JMH with that environment and -p threads=1.");
    }
  }
}
