package dev.capsule.reader;

import java.util.List;

/**
 * What a scan reads: which columns (in the order given; null = all, in schema order), which rows
 * ([firstRow, firstRow + rowCount), clipped to the file), and how many rows per batch.
 */
public record ScanOptions(List<String> columns, long firstRow, long rowCount, int batchRows) {
  /** 64K rows amortise the fixed cost of a decoder call (DESIGN.md, section 4). */
  public static final int DEFAULT_BATCH_ROWS = 1 << 16;

  public ScanOptions {
    columns = columns == null ? null : List.copyOf(columns);
    if (firstRow < 0 || rowCount < 0) {
      throw new IllegalArgumentException("row range must not be negative: first " + firstRow + ", count " + rowCount);
    }
    if (batchRows <= 0) {
      throw new IllegalArgumentException("batchRows must be positive: " + batchRows);
    }
  }

  public static ScanOptions all() {
    return new ScanOptions(null, 0, Long.MAX_VALUE, DEFAULT_BATCH_ROWS);
  }

  public ScanOptions withColumns(List<String> names) {
    return new ScanOptions(names, firstRow, rowCount, batchRows);
  }

  public ScanOptions withRows(long first, long count) {
    return new ScanOptions(columns, first, count, batchRows);
  }

  public ScanOptions withBatchRows(int rows) {
    return new ScanOptions(columns, firstRow, rowCount, rows);
  }
}
