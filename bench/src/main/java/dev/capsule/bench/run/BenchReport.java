package dev.capsule.bench.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.capsule.bench.sizes.FileSizes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The results of one run: tables for the terminal, a JSON file, a chart. Every comparison is a
 * ratio of two figures measured in the same run on the same machine.
 *
 * @param environment what the run ran on and with (cores, JVM, profile)
 */
public record BenchReport(Map<String, Object> environment, List<BenchResult> decode, List<BenchResult> scan,
    FileSizes sizes) {

  public static Map<String, Object> environment(BenchProfile profile) {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("cores", Runtime.getRuntime().availableProcessors());
    env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    env.put("profile", profile);
    return env;
  }

  public void printTables(PrintWriter out) {
    if (!decode.isEmpty()) {
      printDecode(out);
    }
    if (!scan.isEmpty()) {
      printScan(out);
    }
    if (sizes != null) {
      out.println();
      out.println("file sizes: TPC-H lineitem, same rows, bytes");
      sizes.print(out);
    }
    out.flush();
  }

  private void printDecode(PrintWriter out) {
    out.println();
    out.printf("decode: one thread, %s rows per chunk, batches of 64K rows into one reused Arrow vector%n",
        decode.get(0).param("rows"));
    out.printf("%-14s %10s %10s %10s %10s %10s %10s %12s %11s%n", "case", "wasm M/s", "java M/s", "wasm/java",
        "wasm GB/s", "java GB/s", "memcpy GB/s", "wasm/memcpy", "open M/s");
    for (String c : distinct(decode, "column")) {
      BenchResult wasm = find(decode, "column", c, "wasm");
      BenchResult java = find(decode, "column", c, "java");
      BenchResult memcpy = find(decode, "column", c, "memcpy");
      BenchResult open = find(decode, "column", c, "wasmOpen");
      out.printf("%-14s %10.1f %10.1f %10.2f %10.2f %10.2f %10.2f %12.2f %11.1f%n", c, millions(wasm, "values"),
          millions(java, "values"), rate(wasm, "values") / rate(java, "values"), giga(wasm, "bytes"),
          giga(java, "bytes"), giga(memcpy, "bytes"), rate(wasm, "bytes") / rate(memcpy, "bytes"),
          millions(open, "values"));
    }
    out.println("wasm: decoding a chunk already in the decoder's memory (the reader reads it from the file straight");
    out.println("  there), validation and the copy into Arrow included; open: the per-chunk cost on top (a fresh");
    out.println("  instance, the chunk copied in, capsule_open), as rows per second of opening.");
  }

  private void printScan(PrintWriter out) {
    out.println();
    out.printf("scan into Arrow: TPC-H lineitem SF %s, batches of 64K rows, million rows/s (Parquet: %s)%n",
        scan.get(0).param("scale"), scan.get(0).param("parquet"));
    List<String> threads = distinct(scan, "threads");
    out.printf("%-15s %-11s", "reader", "columns");
    for (String t : threads) {
      out.printf(" %14s", t.equals("all") ? "all cores (" + environment.get("cores") + ")" : t + " thread(s)");
    }
    out.println();
    for (String columns : distinct(scan, "columns")) {
      for (String reader : distinct(scan, "reader")) {
        out.printf("%-15s %-11s", reader, columns);
        for (String t : threads) {
          out.printf(" %14.2f", scanRate(reader, columns, t) / 1e6);
        }
        out.println();
      }
      for (String reader : distinct(scan, "reader")) {
        if (!reader.equals("capsule")) {
          out.printf("%-15s %-11s", "capsule/" + reader, columns);
          for (String t : threads) {
            out.printf(" %14.2f", scanRate("capsule", columns, t) / scanRate(reader, columns, t));
          }
          out.println();
        }
      }
    }
  }

  /** Rows per second of one scan, NaN if it was not run. */
  public double scanRate(String reader, String columns, String threads) {
    for (BenchResult r : scan) {
      if (reader.equals(r.param("reader")) && columns.equals(r.param("columns")) && threads.equals(r.param("threads"))) {
        return r.rate("rows");
      }
    }
    return Double.NaN;
  }

  public void writeJson(Path file) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
  }

  public void writeChart(Path file) throws IOException {
    BenchChart.write(this, file);
  }

  static List<String> distinct(List<BenchResult> results, String param) {
    Set<String> values = new LinkedHashSet<>();
    for (BenchResult r : results) {
      values.add(r.param(param));
    }
    return new ArrayList<>(values);
  }

  static BenchResult find(List<BenchResult> results, String param, String value, String method) {
    for (BenchResult r : results) {
      if (value.equals(r.param(param)) && method.equals(r.method())) {
        return r;
      }
    }
    return null;
  }

  static double rate(BenchResult r, String counter) {
    return r == null ? Double.NaN : r.rate(counter);
  }

  private static double millions(BenchResult r, String counter) {
    return rate(r, counter) / 1e6;
  }

  private static double giga(BenchResult r, String counter) {
    return rate(r, counter) / 1e9;
  }
}
