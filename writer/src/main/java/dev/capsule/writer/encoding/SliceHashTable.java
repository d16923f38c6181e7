package dev.capsule.writer.encoding;

import java.util.Arrays;

/**
 * Distinct byte strings, each numbered in order of first appearance: the dictionary of a chunk of
 * fixed-width values other than 1, 2, 4 or 8 bytes wide, or of VARIABLE values. Keys are ranges of
 * the chunk's data array, never copied; equality is
 * {@link Arrays#equals(byte[], int, int, byte[], int, int)} (an intrinsic).
 */
final class SliceHashTable {
  private final byte[] data;
  /** Code stored in each slot, -1 when empty. */
  private int[] slots;
  private int[] starts = new int[16];
  private int[] lengths = new int[16];
  private int[] hashes = new int[16];
  private int size;
  private long totalLength;

  SliceHashTable(byte[] data) {
    this.data = data;
    slots = new int[64];
    Arrays.fill(slots, -1);
  }

  /** The code of data[start, start + length), adding it with the next code when it is new. */
  int add(int start, int length) {
    int hash = hash(data, start, length);
    int mask = slots.length - 1;
    int slot = hash & mask;
    while (true) {
      int code = slots[slot];
      if (code < 0) {
        return insert(slot, start, length, hash);
      }
      if (hashes[code] == hash
          && lengths[code] == length
          && Arrays.equals(data, starts[code], starts[code] + length, data, start, start + length)) {
        return code;
      }
      slot = (slot + 1) & mask;
    }
  }

  int size() {
    return size;
  }

  /** Sum of the lengths of the distinct values. */
  long totalLength() {
    return totalLength;
  }

  int start(int code) {
    return starts[code];
  }

  int length(int code) {
    return lengths[code];
  }

  private int insert(int slot, int start, int length, int hash) {
    int code = size++;
    if (code == starts.length) {
      starts = Arrays.copyOf(starts, code * 2);
      lengths = Arrays.copyOf(lengths, code * 2);
      hashes = Arrays.copyOf(hashes, code * 2);
    }
    starts[code] = start;
    lengths[code] = length;
    hashes[code] = hash;
    totalLength += length;
    slots[slot] = code;
    if (size * 2 > slots.length) {
      rehash();
    }
    return code;
  }

  private void rehash() {
    int[] bigger = new int[slots.length * 2];
    Arrays.fill(bigger, -1);
    int mask = bigger.length - 1;
    for (int code = 0; code < size; code++) {
      int slot = hashes[code] & mask;
      while (bigger[slot] >= 0) {
        slot = (slot + 1) & mask;
      }
      bigger[slot] = code;
    }
    slots = bigger;
  }

  /** A multiply-rotate hash over 8-byte words; the final mix spreads high bits into the low ones. */
  static int hash(byte[] data, int start, int length) {
    long h = 0x2545_F491_4F6C_DD1DL ^ length;
    int i = start;
    int end = start + length;
    for (; i + 8 <= end; i += 8) {
      h = Long.rotateLeft((h ^ FixedValues.getLong(data, i)) * 0x9E37_79B9_7F4A_7C15L, 29);
    }
    long tail = 0;
    for (int shift = 0; i < end; i++, shift += 8) {
      tail |= (data[i] & 0xFFL) << shift;
    }
    h = (h ^ tail) * 0x9E37_79B9_7F4A_7C15L;
    h ^= h >>> 32;
    h *= 0xD6E8_FEB8_6659_FD93L;
    return (int) (h ^ (h >>> 32));
  }
}
