package dev.capsule.decoders.reference;

/** LSB-first bitmaps and the contract's packed bit stream. */
final class Bits {
  private Bits() {}

  static boolean get(byte[] bytes, int byteOffset, long bit) {
    return (bytes[byteOffset + (int) (bit >>> 3)] & (1 << (bit & 7))) != 0;
  }

  /** Copies bits [firstBit, firstBit + count) of the bitmap at byteOffset to a new bitmap. */
  static byte[] slice(byte[] bytes, int byteOffset, int firstBit, int count) {
    byte[] out = new byte[(count + 7) / 8];
    for (int i = 0; i < count; i++) {
      if (get(bytes, byteOffset, (long) firstBit + i)) {
        out[i >>> 3] |= (byte) (1 << (i & 7));
      }
    }
    return out;
  }

  /**
   * Reads the bit-packed stream region of {@code n} values of {@code width} bits at the cursor:
   * ceil8(n * width) bytes whose bits after the last value are 0, then 8 zero bytes of padding.
   * Returns the region's start.
   */
  static int packedRegion(ChunkCursor in, int n, int width, String field) {
    long bits = (long) n * width;
    int start = in.take((bits + 7) / 8, field);
    requireUnusedBitsZero(in, start, bits, field);
    in.reserved(8, field + " padding");
    return start;
  }

  /** The bits of the last byte of a {@code bits}-bit sequence at {@code start} past its end MUST be 0. */
  static void requireUnusedBitsZero(ChunkCursor in, int start, long bits, String field) {
    if ((bits & 7) != 0) {
      int last = start + (int) (bits >>> 3);
      if ((in.chunk()[last] & 0xFF) >>> (bits & 7) != 0) {
        throw in.malformed(last, field + " has bits set after its last value");
      }
    }
  }

  /** Value i of a packed stream, read exactly as the contract says (one 8-byte load). */
  static long unpack(byte[] chunk, int packedStart, long i, int width) {
    long bit = i * width;
    long word = LittleEndian.i64(chunk, packedStart + (int) (bit >>> 3));
    return (word >>> (bit & 7)) & ((1L << width) - 1);
  }
}
