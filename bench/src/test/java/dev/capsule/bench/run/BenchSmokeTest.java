package dev.capsule.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capsule.bench.data.BenchData;
import dev.capsule.bench.data.TestData;
import dev.capsule.bench.decode.DecodeCase;
import dev.capsule.bench.sizes.FileSizes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every benchmark runs once, so none can rot: JMH in this JVM (no forks), one short iteration, 64K-row
 * decode chunks and TPC-H SF 0.01 (cached for the whole suite by TestData); then the report's tables, JSON
 * and chart. Asserts that everything ran and produced rates, never how fast.
 */
class BenchSmokeTest {
  @TempDir Path dir;

  @AfterEach
  void clearCacheProperty() {
    System.clearProperty(BenchData.CACHE_PROPERTY);
  }

  @Test
  void everyBenchmarkRunsOnceAndReports() throws Exception {
    Path cache = TestData.cacheDir();
    System.setProperty(BenchData.CACHE_PROPERTY, cache.toString()); // for the benchmarks, run in this JVM
    StringWriter progress = new StringWriter();
    BenchReport report = new BenchRunner(BenchProfile.smoke(cache), dir).runAll(new PrintWriter(progress));

    assertEquals(DecodeCase.ALL.length * 4, report.decode().size(), "every case x (wasm, java, memcpy, wasmOpen)");
    for (BenchResult r : report.decode()) {
      assertTrue(r.rate("values") > 0 && r.rate("bytes") > 0, r.toString());
    }
    assertEquals(3 * 2, report.scan().size(), "every reader (capsule, arrow-dataset, parquet-java) x (all columns, projection)");
    for (BenchResult r : report.scan()) {
      assertTrue(r.rate("rows") > 0, r.toString());
    }
    FileSizes sizes = report.sizes();
    assertEquals(16, sizes.columns().size());
    for (FileSizes.ColumnSizes c : sizes.columns()) {
      assertTrue(c.capsule() > 0 && c.snappyParquet() > 0 && c.zstdParquet() > 0, c.toString());
    }

    StringWriter tables = new StringWriter();
    report.printTables(new PrintWriter(tables));
    assertTrue(tables.toString().contains("int32/bitpack"), tables.toString());
    assertTrue(tables.toString().contains("capsule/arrow-dataset"), tables.toString());
    assertTrue(tables.toString().contains("capsule/parquet-java"), tables.toString());
    report.writeJson(dir.resolve("bench.json"));
    JsonNode json = new ObjectMapper().readTree(dir.resolve("bench.json").toFile());
    assertEquals(report.decode().size(), json.get("decode").size());
    report.writeChart(dir.resolve("bench.png"));
    assertTrue(Files.size(dir.resolve("bench.png")) > 1000);
  }
}
