package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.decoders.ValueKind;

/**
 * Minimum and range of the valid values of an integer chunk, in the order its {@link ValueKind}
 * gives: signed values are sign-extended, unsigned ones zero-extended, and unsigned 8-byte values
 * compared as unsigned (the top bit flipped, so one signed comparison serves both). Signed values
 * of 16 or 32 bytes (decimals) have a range only when every valid one fits 64 bits.
 */
final class IntegerRange {
  /** The smallest valid value as 64 bits (0 when no row is valid): capsule.bitpack's reference. */
  final long minimum;
  /** max - min as an unsigned 64-bit number. */
  final long range;

  private IntegerRange(long minimum, long range) {
    this.minimum = minimum;
    this.range = range;
  }

  /** Bits a delta from the minimum needs: 0 to 64. */
  int bitWidth() {
    return 64 - Long.numberOfLeadingZeros(range);
  }

  /** The range, or null for 16- or 32-byte values that do not all fit 64 bits. */
  static IntegerRange of(ColumnValues values) {
    if (values.layout().byteWidth() > 8) {
      return wide(values);
    }
    byte[] data = values.data();
    byte[] validity = values.validity();
    int width = values.layout().byteWidth();
    boolean signed = values.kind() == ValueKind.SIGNED_INTEGER;
    long flip = !signed && width == 8 ? Long.MIN_VALUE : 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    int n = values.rowCount();
    for (int i = 0; i < n; i++) {
      if (validity != null && !FixedValues.bit(validity, i)) {
        continue;
      }
      long key = FixedValues.load(data, i, width, signed) ^ flip;
      min = Math.min(min, key);
      max = Math.max(max, key);
    }
    if (min > max) { // no valid row
      return new IntegerRange(0, 0);
    }
    return new IntegerRange(min ^ flip, max - min);
  }

  /** Signed 16- or 32-byte values: each must be its low 8 bytes sign-extended. */
  private static IntegerRange wide(ColumnValues values) {
    byte[] data = values.data();
    int width = values.layout().byteWidth();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < values.rowCount(); i++) {
      if (!values.isValid(i)) {
        continue;
      }
      long low = FixedValues.getLong(data, i * width);
      long sign = low >> 63;
      for (int at = i * width + 8; at < (i + 1) * width; at += 8) {
        if (FixedValues.getLong(data, at) != sign) {
          return null;
        }
      }
      min = Math.min(min, low);
      max = Math.max(max, low);
    }
    return min > max ? new IntegerRange(0, 0) : new IntegerRange(min, max - min);
  }
}
