package dev.capsule.reader;

import java.util.List;

/**
 * What a scan reads: which columns (in the order given; null = all, in schema order), which rows
 * ([firstRow, firstRow + rowCount), clipped to the file), how many rows per batch, and on how many
 * threads the columns of a batch are decoded.
 *
 * @param threads threads decoding the columns of a batch at once (1: all on the calling thread). The
 *     batches and their values do not depend on it.
 */
public record ScanOptions(List<String> columns, long firstRow, long rowCount, int batchRows, int threads) {
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
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
  }

  /** Every column and row, batches of 64K rows, decoded on every core. */
  public static ScanOptions all() {
    return new ScanOptions(null, 0, Long.MAX_VALUE, DEFAULT_BATCH_ROWS, Runtime.getRuntime().availableProcessors());
  }

  public ScanOptions withColumns(List<String> names) {
    return new ScanOptions(names, firstRow, rowCount, batchRows, threads);
  }

  public ScanOptions withRows(long first, long count) {
    return new ScanOptions(columns, first, count, batchRows, threads);
  }

  public ScanOptions withBatchRows(int rows) {
    return new ScanOptions(columns, firstRow, rowCount, rows, threads);
  }

  /**
   * Decode on this many threads (default: one per processor). Use 1 where the caller already runs a
   * scan per core, as a Spark task does.
   */
  public ScanOptions withThreads(int count) {
    return new ScanOptions(columns, firstRow, rowCount, batchRows, count);
  }
}
