package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import java.util.Arrays;

/**
 * Finds the runs capsule.ree stores. A run starts at row 0 and at every valid row whose value
 * differs from the previous valid row's; null rows never start a run, so they join the run around
 * them (leading nulls join the first run). A chunk whose rows are all null is one run.
 *
 * <p>One loop per layout family; the caller passes arrays to fill or null to only count.
 */
final class Runs {
  /** Number of runs. */
  final int count;
  /** VARIABLE: total bytes of the run values; 0 otherwise. */
  final long valueBytes;

  private Runs(int count, long valueBytes) {
    this.count = count;
    this.valueBytes = valueBytes;
  }

  static Runs count(ColumnValues values) {
    return scan(values, null, null);
  }

  /**
   * Fills {@code ends} (run_ends) and {@code valueRows} (the row holding each run's value, -1 for
   * the all-null run), both of length {@link #count}.
   */
  static Runs scan(ColumnValues values, int[] ends, int[] valueRows) {
    int n = values.rowCount();
    if (n == 0) {
      return new Runs(0, 0);
    }
    Runs runs;
    switch (values.layout().kind()) {
      case BIT:
        runs = new Runs(scanBits(values.data(), values.validity(), n, ends, valueRows), 0);
        break;
      case FIXED:
        if (FixedValues.isWord(values.layout())) {
          runs = new Runs(scanFixed(values.data(), values.layout().byteWidth(), values.validity(), n, ends, valueRows), 0);
          break;
        }
        runs = scanSlices(values, ends, valueRows);
        break;
      default:
        runs = scanSlices(values, ends, valueRows);
    }
    if (runs.count == 0) { // every row is null
      if (ends != null) {
        ends[0] = n;
        valueRows[0] = -1;
      }
      return new Runs(1, 0);
    }
    if (ends != null) {
      ends[runs.count - 1] = n;
    }
    return runs;
  }

  private static int scanFixed(byte[] data, int width, byte[] validity, int n, int[] ends, int[] valueRows) {
    int runs = 0;
    long previous = 0;
    for (int i = 0; i < n; i++) {
      if (validity != null && !FixedValues.bit(validity, i)) {
        continue;
      }
      long value = FixedValues.load(data, i, width, false);
      if (runs == 0 || value != previous) {
        runs = startRun(runs, i, ends, valueRows);
        previous = value;
      }
    }
    return runs;
  }

  private static int scanBits(byte[] data, byte[] validity, int n, int[] ends, int[] valueRows) {
    int runs = 0;
    boolean previous = false;
    for (int i = 0; i < n; i++) {
      if (validity != null && !FixedValues.bit(validity, i)) {
        continue;
      }
      boolean value = FixedValues.bit(data, i);
      if (runs == 0 || value != previous) {
        runs = startRun(runs, i, ends, valueRows);
        previous = value;
      }
    }
    return runs;
  }

  private static Runs scanSlices(ColumnValues values, int[] ends, int[] valueRows) {
    byte[] data = values.data();
    byte[] validity = values.validity();
    int[] offsets = values.offsets();
    int width = values.layout().byteWidth(); // not 1, 2, 4 or 8 (see FixedValues.isWord); 0 for VARIABLE
    int n = values.rowCount();
    int runs = 0;
    long bytes = 0;
    int previousStart = 0;
    int previousEnd = 0;
    for (int i = 0; i < n; i++) {
      if (validity != null && !FixedValues.bit(validity, i)) {
        continue;
      }
      int start = offsets == null ? i * width : offsets[i];
      int end = offsets == null ? start + width : offsets[i + 1];
      if (runs == 0 || !Arrays.equals(data, start, end, data, previousStart, previousEnd)) {
        runs = startRun(runs, i, ends, valueRows);
        bytes += end - start;
        previousStart = start;
        previousEnd = end;
      }
    }
    return new Runs(runs, offsets == null ? 0 : bytes);
  }

  /** Row {@code row} starts run number {@code runs}; the previous run ends there. */
  private static int startRun(int runs, int row, int[] ends, int[] valueRows) {
    if (ends != null) {
      if (runs > 0) {
        ends[runs - 1] = row;
      }
      valueRows[runs] = row;
    }
    return runs + 1;
  }
}
