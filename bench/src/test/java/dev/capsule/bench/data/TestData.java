package dev.capsule.bench.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * TPC-H lineitem SF 0.01 (60,175 rows) for the tests, generated once per build into
 * target/bench-test-cache and shared by every test class of the suite.
 */
public final class TestData {
  public static final double SCALE = 0.01;
  public static final long ROWS = 60_175;

  private TestData() {}

  public static Path cacheDir() {
    return Path.of("target", "bench-test-cache").toAbsolutePath();
  }

  public static LineItemFiles lineItem() throws IOException {
    return BenchData.lineItem(cacheDir(), SCALE);
  }
}
