package dev.capsule.reader.wasm;

import org.apache.arrow.memory.util.MemoryUtil;

/**
 * UTF-8 validation of off-heap bytes, by the well-formed sequences of Unicode table 3-7 (no
 * overlong forms, no surrogates, nothing above U+10FFFF). Runs of ASCII, the common case in
 * columnar data, are skipped eight bytes at a time.
 */
final class Utf8 {
  /** {@link #check} result: valid, and every byte is ASCII. */
  static final long ASCII = -1;
  /** {@link #check} result: valid, with at least one multi-byte character. */
  static final long VALID = -2;

  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8() {}

  /** @return {@link #ASCII}, {@link #VALID}, or the offset of the first byte of a bad sequence */
  static long check(long address, long length) {
    long i = skipAscii(address, 0, length);
    if (i == length) {
      return ASCII;
    }
    return checkFrom(address, length, i);
  }

  /** The position of the first non-ASCII byte at or after i, or length if there is none. */
  private static long skipAscii(long address, long i, long length) {
    // Four words per step while all is ASCII: the test is then one OR of them.
    while (i + 32 <= length && ((MemoryUtil.getLong(address + i) | MemoryUtil.getLong(address + i + 8)
        | MemoryUtil.getLong(address + i + 16) | MemoryUtil.getLong(address + i + 24)) & HIGH_BITS) == 0) {
      i += 32;
    }
    while (i + 8 <= length && (MemoryUtil.getLong(address + i) & HIGH_BITS) == 0) {
      i += 8;
    }
    while (i < length && MemoryUtil.getByte(address + i) >= 0) {
      i++;
    }
    return i;
  }

  /** The general decoder, from a position where a sequence starts. */
  private static long checkFrom(long address, long length, long i) {
    while (i < length) {
      int b = MemoryUtil.getByte(address + i) & 0xFF;
      if (b < 0x80) { // back in ASCII
        i = skipAscii(address, i + 1, length);
        continue;
      }
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0) {
          lo = 0xA0; // no overlong 3-byte forms
        } else if (b == 0xED) {
          hi = 0x9F; // no surrogates
        }
      } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0) {
          lo = 0x90; // no overlong 4-byte forms
        } else if (b == 0xF4) {
          hi = 0x8F; // nothing above U+10FFFF
        }
      } else {
        return i; // continuation byte without a lead, C0/C1, or F5..FF
      }
      if (i + need >= length) {
        return i; // truncated at the end of the buffer
      }
      int second = MemoryUtil.getByte(address + i + 1) & 0xFF;
      if (second < lo || second > hi) {
        return i;
      }
      for (int k = 2; k <= need; k++) {
        int next = MemoryUtil.getByte(address + i + k) & 0xFF;
        if ((next & 0xC0) != 0x80) {
          return i;
        }
      }
      i += need + 1;
    }
    return VALID;
  }
}
