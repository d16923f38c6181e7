package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;

/**
 * Counts the distinct valid values of a chunk for capsule.dict, giving up as soon as a dictionary
 * of the values seen so far would already take {@code sizeLimit} bytes: more values can only make
 * it bigger, so the dictionary can no longer win and hashing the rest would be wasted.
 */
final class Distinct {
  /** Distinct valid values (exact only when {@link #complete}). */
  final int count;
  /** VARIABLE: their total length in bytes; 0 otherwise. */
  final long valueBytes;
  final boolean complete;

  private Distinct(int count, long valueBytes, boolean complete) {
    this.count = count;
    this.valueBytes = valueBytes;
    this.complete = complete;
  }

  static Distinct count(ColumnValues values, long sizeLimit) {
    PhysicalLayout layout = values.layout();
    return FixedValues.isWord(layout) ? fixed(values, sizeLimit) : slices(values, sizeLimit);
  }

  private static Distinct fixed(ColumnValues values, long sizeLimit) {
    byte[] data = values.data();
    byte[] validity = values.validity();
    int width = values.layout().byteWidth();
    int n = values.rowCount();
    LongHashTable table = new LongHashTable();
    for (int i = 0; i < n; i++) {
      if (validity != null && !FixedValues.bit(validity, i)) {
        continue;
      }
      int before = table.size();
      if (table.add(FixedValues.load(data, i, width, false)) == before && tooBig(values, before + 1, 0, sizeLimit)) {
        return new Distinct(before + 1, 0, false);
      }
    }
    return new Distinct(table.size(), 0, true);
  }

  private static Distinct slices(ColumnValues values, long sizeLimit) {
    byte[] data = values.data();
    byte[] validity = values.validity();
    int[] offsets = values.offsets();
    int width = values.layout().byteWidth();
    int n = values.rowCount();
    SliceHashTable table = new SliceHashTable(data);
    for (int i = 0; i < n; i++) {
      if (validity != null && !FixedValues.bit(validity, i)) {
        continue;
      }
      int start = offsets == null ? i * width : offsets[i];
      int length = offsets == null ? width : offsets[i + 1] - start;
      int before = table.size();
      if (table.add(start, length) == before && tooBig(values, before + 1, variableBytes(table, offsets), sizeLimit)) {
        return new Distinct(before + 1, variableBytes(table, offsets), false);
      }
    }
    return new Distinct(table.size(), variableBytes(table, offsets), true);
  }

  private static long variableBytes(SliceHashTable table, int[] offsets) {
    return offsets == null ? 0 : table.totalLength();
  }

  private static boolean tooBig(ColumnValues values, int distinct, long valueBytes, long sizeLimit) {
    return sizeLimit != Long.MAX_VALUE
        && DictEncoding.size(values.layout(), values.rowCount(), values.nullCount() > 0, distinct, valueBytes) >= sizeLimit;
  }
}
