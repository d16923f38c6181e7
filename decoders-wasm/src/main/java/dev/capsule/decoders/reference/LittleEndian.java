package dev.capsule.decoders.reference;

/** Little-endian loads and stores on byte arrays; callers have checked the bounds. */
final class LittleEndian {
  private LittleEndian() {}

  static int u16(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
  }

  static long u32(byte[] b, int at) {
    return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
  }

  static long i64(byte[] b, int at) {
    return u32(b, at) | u32(b, at + 4) << 32;
  }

  /** Stores the low {@code width} bytes of {@code value}. */
  static void store(byte[] b, int at, long value, int width) {
    for (int i = 0; i < width; i++) {
      b[at + i] = (byte) (value >>> (8 * i));
    }
  }
}
