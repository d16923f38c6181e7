package dev.capsule.reader.wasm;

import org.apache.arrow.memory.util.MemoryUtil;

/** LSB-first bitmaps (SPEC "Physical layouts") in off-heap memory. */
final class Bitmaps {
  private Bitmaps() {}

  /** Number of 1 bits among bits [0, bits) of the bitmap at address; bits past that are ignored. */
  static long countOnes(long address, int bits) {
    long ones = 0;
    long fullBytes = bits >>> 3;
    long i = 0;
    for (long words = fullBytes & ~7L; i < words; i += 8) {
      ones += Long.bitCount(MemoryUtil.getLong(address + i));
    }
    for (; i < fullBytes; i++) {
      ones += Integer.bitCount(MemoryUtil.getByte(address + i) & 0xFF);
    }
    int tail = bits & 7;
    if (tail != 0) {
      ones += Integer.bitCount(MemoryUtil.getByte(address + fullBytes) & ((1 << tail) - 1));
    }
    return ones;
  }

  /** Sets bits [0, bits) to 1 and the rest of the last byte to 0. */
  static void setOnes(long address, int bits) {
    long fullBytes = bits >>> 3;
    MemoryUtil.setMemory(address, fullBytes, (byte) 0xFF);
    int tail = bits & 7;
    if (tail != 0) {
      MemoryUtil.putByte(address + fullBytes, (byte) ((1 << tail) - 1));
    }
  }

  /** Clears the bits of the last byte at positions >= bits, so outputs do not depend on them. */
  static void clearTail(long address, int bits) {
    int tail = bits & 7;
    if (tail != 0) {
      long last = address + (bits >>> 3);
      MemoryUtil.putByte(last, (byte) (MemoryUtil.getByte(last) & ((1 << tail) - 1)));
    }
  }
}
