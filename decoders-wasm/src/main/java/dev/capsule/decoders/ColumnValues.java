package dev.capsule.decoders;

import dev.capsule.format.PhysicalLayout;
import java.util.Objects;

/**
 * The values of one column chunk in their physical layout, independent of any encoding: what an
 * encoder takes and what a reference decoder returns. Arrays are owned by this object and must not
 * be modified after construction.
 *
 * <ul>
 *   <li>{@code validity}: null when the chunk has no null; otherwise a bitmap of at least
 *       ceil(rowCount / 8) bytes, LSB-first, 1 = valid, bits at positions >= rowCount zero.
 *   <li>{@code data}: BIT: values bitmap (ceil(rowCount / 8) bytes); FIXEDw: rowCount * w bytes,
 *       little-endian; VARIABLE: the concatenated bytes of all values.
 *   <li>{@code offsets}: VARIABLE only, rowCount + 1 entries, offsets[0] = 0, non-decreasing,
 *       offsets[rowCount] = data.length; null otherwise.
 * </ul>
 *
 * Null rows have a slot like any other row; by convention it holds zero bytes, false, or an empty
 * value.
 */
public final class ColumnValues {
  private final PhysicalLayout layout;
  private final ValueKind kind;
  private final int rowCount;
  private final byte[] validity;
  private final int nullCount;
  private final byte[] data;
  private final int[] offsets;

  public ColumnValues(
      PhysicalLayout layout, ValueKind kind, int rowCount, byte[] validity, byte[] data, int[] offsets) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.kind = Objects.requireNonNull(kind, "kind");
    if (rowCount < 0) {
      throw new IllegalArgumentException("negative row count " + rowCount);
    }
    this.rowCount = rowCount;
    this.data = Objects.requireNonNull(data, "data");
    int bitmapBytes = (rowCount + 7) / 8;
    if (validity != null && validity.length < bitmapBytes) {
      throw new IllegalArgumentException("validity bitmap too short: " + validity.length);
    }
    switch (layout.kind()) {
      case BIT:
        require(data.length >= bitmapBytes, "values bitmap too short");
        require(offsets == null, "offsets only for VARIABLE");
        break;
      case VARIABLE:
        require(offsets != null && offsets.length == rowCount + 1, "VARIABLE needs rowCount + 1 offsets");
        require(offsets[0] == 0 && offsets[rowCount] == data.length, "offsets must span data");
        break;
      default:
        require((long) rowCount * layout.byteWidth() == data.length, "data length != rowCount * width");
        require(offsets == null, "offsets only for VARIABLE");
    }
    int nulls = 0;
    if (validity != null) {
      for (int i = 0; i < rowCount; i++) {
        if ((validity[i >>> 3] & (1 << (i & 7))) == 0) {
          nulls++;
        }
      }
    }
    this.validity = nulls == 0 ? null : validity;
    this.nullCount = nulls;
    this.offsets = offsets;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  public PhysicalLayout layout() {
    return layout;
  }

  public ValueKind kind() {
    return kind;
  }

  public int rowCount() {
    return rowCount;
  }

  /** Null when there is no null row. */
  public byte[] validity() {
    return validity;
  }

  public int nullCount() {
    return nullCount;
  }

  public boolean isValid(int row) {
    return validity == null || (validity[row >>> 3] & (1 << (row & 7))) != 0;
  }

  public byte[] data() {
    return data;
  }

  /** VARIABLE only. */
  public int[] offsets() {
    return offsets;
  }
}
