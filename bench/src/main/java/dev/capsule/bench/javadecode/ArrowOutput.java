package dev.capsule.bench.javadecode;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;

/**
 * Writing decoded rows straight into an Arrow vector's off-heap buffers, which are reused from batch
 * to batch and grown only when a batch needs more room.
 */
final class ArrowOutput {
  private ArrowOutput() {}

  /** Address of the values buffer of a fixed-width vector with room for count values. */
  static long fixedValues(FieldVector vector, int count) {
    BaseFixedWidthVector v = (BaseFixedWidthVector) vector;
    if (v.getValueCapacity() < count) {
      v.setInitialCapacity(count);
      v.allocateNew();
    }
    return v.getDataBuffer().memoryAddress();
  }

  /** Address of the offsets buffer of a variable-width vector with room for count values. */
  static long variableOffsets(FieldVector vector, int count) {
    BaseVariableWidthVector v = (BaseVariableWidthVector) vector;
    if (v.getValueCapacity() < count) {
      v.allocateNew(Math.max(v.getDataBuffer().capacity(), 1), count);
    }
    return v.getOffsetBuffer().memoryAddress();
  }

  /** Address of the data buffer of a variable-width vector with at least bytes capacity. */
  static long variableData(FieldVector vector, long bytes) {
    BaseVariableWidthVector v = (BaseVariableWidthVector) vector;
    if (v.getDataBuffer().capacity() < bytes) {
      v.reallocDataBuffer(bytes);
    }
    return v.getDataBuffer().memoryAddress();
  }

  /**
   * Writes the validity of rows [first, first + count): all ones without a bitmap, else bits copied
   * from the chunk's bitmap at validityOffset.
   */
  static void validity(FieldVector vector, byte[] chunk, int validityOffset, int first, int count) {
    ArrowBuf validity = vector.getValidityBuffer();
    long address = validity.memoryAddress();
    int bytes = (count + 7) >>> 3;
    if (validityOffset < 0) {
      MemoryUtil.setMemory(address, bytes, (byte) 0xFF);
      return;
    }
    int shift = first & 7;
    int src = validityOffset + (first >>> 3);
    int srcEnd = validityOffset + bitmapBytes(chunk);
    for (int j = 0; j < bytes; j++) {
      int lo = (chunk[src + j] & 0xFF) >>> shift;
      int hi = shift != 0 && src + j + 1 < srcEnd ? (chunk[src + j + 1] & 0xFF) << (8 - shift) : 0;
      MemoryUtil.putByte(address + j, (byte) (lo | hi));
    }
  }

  /** The bitmap's size: one bit per row of the chunk (its row count is the chunk's first u32). */
  private static int bitmapBytes(byte[] chunk) {
    return (int) ((LittleEndian.getInt(chunk, 0) + 7L) >>> 3);
  }

  /** Sets the row count; for variable-width vectors, tells Arrow every offset is already written. */
  static void finish(FieldVector vector, int count) {
    if (vector instanceof BaseVariableWidthVector) {
      ((BaseVariableWidthVector) vector).setLastSet(count - 1);
    }
    vector.setValueCount(count);
  }
}
