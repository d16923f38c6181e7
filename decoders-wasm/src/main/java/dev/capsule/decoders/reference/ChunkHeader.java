package dev.capsule.decoders.reference;

import dev.capsule.format.PhysicalLayout;

/**
 * The 8-byte header every shipped encoding starts with, and the validity bitmap after it.
 *
 * @param validityOffset where the validity bitmap starts, or -1 when the chunk has none
 * @param payloadOffset P: where the encoding's payload starts
 */
record ChunkHeader(String encoding, int rowCount, PhysicalLayout layout, int validityOffset, int payloadOffset) {
  static final int SIZE = 8;

  /** Parses and checks the header and the validity bitmap. */
  static ChunkHeader parse(byte[] chunk, String encoding) {
    ChunkCursor in = new ChunkCursor(chunk, encoding, 0);
    // Rows are Java array indices here; 2^31 rows and more could not fit the chunk anyway.
    int rowCount = in.u32Count("row_count");
    int code = in.u8("layout code");
    PhysicalLayout layout;
    try {
      layout = PhysicalLayout.fromCode(code);
    } catch (IllegalArgumentException e) {
      throw in.malformed(4, "unknown layout code " + code);
    }
    int flags = in.u8("flags");
    if ((flags & ~1) != 0) {
      throw in.malformed(5, "flags 0x" + Integer.toHexString(flags) + " has bits other than bit 0 set");
    }
    in.reserved(2, "reserved header field");
    int validityOffset = -1;
    if ((flags & 1) != 0) {
      int bytes = (int) ((rowCount + 7L) / 8);
      validityOffset = in.take(bytes, "validity bitmap");
      Bits.requireUnusedBitsZero(in, validityOffset, rowCount, "validity bitmap");
    }
    return new ChunkHeader(encoding, rowCount, layout, validityOffset, in.position());
  }

  /** A cursor positioned at the payload. */
  ChunkCursor payload(byte[] chunk) {
    return new ChunkCursor(chunk, encoding, payloadOffset);
  }

  /** Fails unless the chunk's layout is one of {@code allowed}. */
  void requireLayout(PhysicalLayout... allowed) {
    for (PhysicalLayout layout : allowed) {
      if (layout == this.layout) {
        return;
      }
    }
    throw ChunkCursor.malformed(encoding, 4, "layout " + layout + " is not allowed for this encoding");
  }

  /** Fails for BIT, which an encoding of fixed- and variable-width values cannot hold. */
  void requireNotBit() {
    if (layout == PhysicalLayout.BIT) {
      throw ChunkCursor.malformed(encoding, 4, "layout BIT is not allowed for this encoding");
    }
  }

  /** Fails unless [firstRow, firstRow + count) lies within the chunk. */
  void checkWindow(int firstRow, int count) {
    if (firstRow < 0 || count < 0 || (long) firstRow + count > rowCount) {
      throw new IllegalArgumentException(
          "rows [" + firstRow + ", " + ((long) firstRow + count) + ") are not within a chunk of " + rowCount + " rows");
    }
    outputSize(count, 4); // row-indexed int arrays (offsets, run or code indices) must fit too
  }

  /**
   * Bytes of an output buffer of {@code count} values of {@code width} bytes. A few bytes of ree,
   * dict or bitpack (b = 0) can describe 2^31 rows; such a window is legal but cannot be returned
   * as Java arrays, which is the caller's problem, not the chunk's.
   */
  static int outputSize(long count, int width) {
    long bytes = count * width;
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("decoded rows would take " + bytes + " bytes, more than a Java array holds; decode a smaller window");
    }
    return (int) bytes;
  }

  /** The validity bits of the window, starting at bit 0; null when the chunk has no bitmap. */
  byte[] validity(byte[] chunk, int firstRow, int count) {
    return validityOffset < 0 ? null : Bits.slice(chunk, validityOffset, firstRow, count);
  }
}
