package dev.capsule.bench.javadecode;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.apache.arrow.memory.util.MemoryUtil;

/** Unaligned little-endian access to chunk bytes (VarHandles: one bounds check, one load). */
final class LittleEndian {
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Values are written in 8-byte words, whole words: up to this many bytes past their end. */
  static final int SHORT_VALUE = 16;

  private LittleEndian() {}

  static int getInt(byte[] bytes, int offset) {
    return (int) INT.get(bytes, offset);
  }

  static long getLong(byte[] bytes, int offset) {
    return (long) LONG.get(bytes, offset);
  }

  /**
   * Copies len bytes of src at srcOffset to address: as capsule.dict's wasm decoder does, the first
   * 16 bytes as two 8-byte words and the rest word by word when whole words can be read, so the
   * destination needs {@link #SHORT_VALUE} spare bytes; else one Unsafe copy.
   */
  static void copyValue(byte[] src, int srcOffset, long address, int len) {
    if (srcOffset <= src.length - Math.max(SHORT_VALUE, (len + 7) & ~7)) {
      MemoryUtil.putLong(address, getLong(src, srcOffset));
      MemoryUtil.putLong(address + 8, getLong(src, srcOffset + 8));
      for (int k = SHORT_VALUE; k < len; k += 8) {
        MemoryUtil.putLong(address + k, getLong(src, srcOffset + k));
      }
    } else {
      MemoryUtil.copyToMemory(src, srcOffset, address, len);
    }
  }
}
