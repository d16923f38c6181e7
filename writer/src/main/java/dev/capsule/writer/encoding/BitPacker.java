package dev.capsule.writer.encoding;

/**
 * Appends values of a fixed bit width to the contract's LSB-first bit stream (capsule.bitpack
 * deltas, capsule.dict codes). The target region is zeroed, so skipped bits and padding stay 0.
 */
final class BitPacker {
  private final byte[] out;
  private final int width;
  private int position;
  /** Bits not yet written; fewer than 8 between calls, so width <= 56 never overflows 64 bits. */
  private long pending;
  private int pendingBits;

  BitPacker(byte[] out, int position, int width) {
    this.out = out;
    this.position = position;
    this.width = width;
  }

  /** Appends the low {@code width} bits of {@code value}; the caller guarantees the rest are zero. */
  void put(long value) {
    pending |= value << pendingBits;
    pendingBits += width;
    while (pendingBits >= 8) {
      out[position++] = (byte) pending;
      pending >>>= 8;
      pendingBits -= 8;
    }
  }

  /** Writes the last partial byte. */
  void flush() {
    if (pendingBits > 0) {
      out[position++] = (byte) pending;
      pending = 0;
      pendingBits = 0;
    }
  }
}
