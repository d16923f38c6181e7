package dev.capsule.bench.javadecode;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.apache.arrow.memory.util.MemoryUtil;

/** Unaligned little-endian access to chunk bytes (VarHandles: one bounds check, one load). */
final class LittleEndian {
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Values up to this many bytes are copied with two 8-byte loads and stores. */
  static final int SHORT_VALUE = 16;

  private LittleEndian() {}

  static int getInt(byte[] bytes, int offset) {
    return (int) INT.get(bytes, offset);
  }

  static long getLong(byte[] bytes, int offset) {
    return (long) LONG.get(bytes, offset);
  }

  /**
   * Copies len bytes of src at srcOffset to address. Short values that have 16 readable bytes
   * are copied as two 8-byte words, so the destination needs {@link #SHORT_VALUE} spare bytes.
   */
  static void copyValue(byte[] src, int srcOffset, long address, int len) {
    if (len <= SHORT_VALUE && srcOffset <= src.length - SHORT_VALUE) {
      MemoryUtil.putLong(address, getLong(src, srcOffset));
      MemoryUtil.putLong(address + 8, getLong(src, srcOffset + 8));
    } else {
      MemoryUtil.copyToMemory(src, srcOffset, address, len);
    }
  }
}
