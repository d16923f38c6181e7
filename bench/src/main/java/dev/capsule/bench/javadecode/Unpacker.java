package dev.capsule.bench.javadecode;

/**
 * The bit stream of capsule.bitpack deltas and capsule.dict codes: value i is bits [i*b, i*b + b)
 * of the stream, LSB first, always within one 8-byte load (b at most 56); 8 zero bytes of padding
 * after the stream keep the load of the last value in bounds.
 */
final class Unpacker {
  private Unpacker() {}

  /** Checks that a stream of n b-bit values and its padding fit in the chunk; returns its end. */
  static long streamEnd(byte[] chunk, int start, long n, int b, String encoding) {
    long end = start + ((n * b + 7) >>> 3) + 8;
    if (end > chunk.length) {
      throw new IllegalArgumentException(encoding + ": packed stream runs past the chunk end");
    }
    return end;
  }
}
