package dev.capsule.bench.run;

import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * One benchmark's outcome: which benchmark and method, its parameters, and its counters as rates
 * (decode: "values" and "bytes" per second; scan: "rows" per second).
 */
public record BenchResult(String benchmark, String method, Map<String, String> params, Map<String, Score> counters) {

  static BenchResult of(RunResult run) {
    BenchmarkParams p = run.getParams();
    String full = p.getBenchmark();
    int dot = full.lastIndexOf('.');
    String benchmark = full.substring(full.lastIndexOf('.', dot - 1) + 1, dot);
    Map<String, String> params = new LinkedHashMap<>();
    for (String key : p.getParamsKeys()) {
      params.put(key, p.getParam(key));
    }
    Map<String, Score> counters = new LinkedHashMap<>();
    for (Map.Entry<String, Result> e : run.getSecondaryResults().entrySet()) {
      Result r = e.getValue();
      // aux counters of type OPERATIONS: JMH says "ops/s", each is that counter per second
      counters.put(e.getKey(), new Score(r.getScore(), r.getScoreError(), e.getKey() + "/s"));
    }
    return new BenchResult(benchmark, full.substring(dot + 1), params, counters);
  }

  /** The rate of a counter, NaN if absent. */
  public double rate(String counter) {
    Score s = counters.get(counter);
    return s == null ? Double.NaN : s.value();
  }

  public String param(String key) {
    return params.get(key);
  }
}
