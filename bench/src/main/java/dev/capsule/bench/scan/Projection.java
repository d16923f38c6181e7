package dev.capsule.bench.scan;

import java.util.List;

/** Which columns a scan reads. */
public enum Projection {
  /** Every column of lineitem. */
  ALL(null),
  /** l_orderkey, l_shipdate, l_extendedprice: a key, a date, a decimal. */
  THREE(List.of("l_orderkey", "l_shipdate", "l_extendedprice"));

  private final List<String> columns;

  Projection(List<String> columns) {
    this.columns = columns;
  }

  /** The column names, or null for all columns. */
  public List<String> columns() {
    return columns;
  }

  /** "all" or "projection", as the benchmark parameter spells it. */
  public static Projection parse(String name) {
    switch (name) {
      case "all":
        return ALL;
      case "projection":
        return THREE;
      default:
        throw new IllegalArgumentException("columns must be 'all' or 'projection', not '" + name + "'");
    }
  }
}
