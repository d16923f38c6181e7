package dev.capsule.writer.encoding;

/**
 * Distinct 64-bit values, each numbered in order of first appearance: the dictionary of a chunk of
 * 1- to 8-byte values. Open addressing with linear probing on primitive arrays, so counting the
 * distinct values of a chunk allocates nothing per value.
 */
final class LongHashTable {
  private static final long PHI = 0x9E37_79B9_7F4A_7C15L;

  private long[] slotKeys;
  /** Code stored in each slot, -1 when the slot is empty (any long is a legal key). */
  private int[] slotCodes;
  private long[] values;
  private int size;
  private int shift;

  LongHashTable() {
    allocate(6);
    values = new long[16];
  }

  /** The code of {@code key}, adding it with the next code when it is new. */
  int add(long key) {
    int mask = slotCodes.length - 1;
    int slot = (int) ((key * PHI) >>> shift);
    while (true) {
      int code = slotCodes[slot];
      if (code < 0) {
        return insert(slot, key);
      }
      if (slotKeys[slot] == key) {
        return code;
      }
      slot = (slot + 1) & mask;
    }
  }

  int size() {
    return size;
  }

  /** The value numbered {@code code}. */
  long value(int code) {
    return values[code];
  }

  private int insert(int slot, long key) {
    int code = size++;
    if (code == values.length) {
      values = java.util.Arrays.copyOf(values, code * 2);
    }
    values[code] = key;
    slotKeys[slot] = key;
    slotCodes[slot] = code;
    if (size * 2 > slotCodes.length) {
      rehash();
    }
    return code;
  }

  private void rehash() {
    long[] oldKeys = slotKeys;
    int[] oldCodes = slotCodes;
    allocate(Integer.numberOfTrailingZeros(oldCodes.length) + 1);
    int mask = slotCodes.length - 1;
    for (int i = 0; i < oldCodes.length; i++) {
      if (oldCodes[i] >= 0) {
        int slot = (int) ((oldKeys[i] * PHI) >>> shift);
        while (slotCodes[slot] >= 0) {
          slot = (slot + 1) & mask;
        }
        slotKeys[slot] = oldKeys[i];
        slotCodes[slot] = oldCodes[i];
      }
    }
  }

  private void allocate(int bits) {
    slotKeys = new long[1 << bits];
    slotCodes = new int[1 << bits];
    java.util.Arrays.fill(slotCodes, -1);
    shift = 64 - bits;
  }
}
