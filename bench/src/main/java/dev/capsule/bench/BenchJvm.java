package dev.capsule.bench;

/**
 * The JVM flags of every benchmark fork. A fixed, pre-touched heap: touching fresh memory costs 6-15
 * µs per 4 KiB page on these machines (DESIGN.md section 4), so without it a benchmark measures the
 * kernel. Transparent huge pages (where the kernel offers them on request) make the pre-touch
 * itself fast.
 */
public final class BenchJvm {
  public static final String HEAP_MIN = "-Xms2g";
  public static final String HEAP_MAX = "-Xmx2g";
  public static final String PRETOUCH = "-XX:+AlwaysPreTouch";
  public static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";
  public static final String GC = "-XX:+UseParallelGC";
  /** Arrow reaches into java.nio. */
  public static final String OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED";

  private BenchJvm() {}

  /** All of the above, for options that replace the annotations' jvmArgsAppend. */
  public static java.util.List<String> flags() {
    return java.util.List.of(HEAP_MIN, HEAP_MAX, PRETOUCH, HUGE_PAGES, GC, OPENS);
  }
}
