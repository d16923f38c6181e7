package dev.capsule.reader.wasm;

import dev.capsule.format.PhysicalLayout;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;

/**
 * Moves checked decoder output into an Arrow vector: one memcpy per buffer into buffers freshly
 * allocated from the vector's allocator, then {@link FieldVector#loadFieldBuffers}, which releases
 * the vector's previous buffers.
 *
 * <p>Why not copy into the vector's previous buffers when they are large enough: whoever consumed
 * the previous batch may still hold them, and a reference taken through another allocator (a
 * splitAndTransfer into a child allocator, say) leaves no trace in the reference count this
 * allocator's ledger shows. Overwriting them would corrupt that batch silently. Measured here, the
 * fresh allocation costs a few microseconds per 64K-row batch: malloc recycles the block the
 * previous batch freed, so the pages are already touched.
 */
final class ArrowLoader {
  private ArrowLoader() {}

  static void load(FieldVector vector, PhysicalLayout layout, DecoderOutput out, int rowCount) {
    BufferAllocator allocator = vector.getAllocator();
    long bitmapBytes = (rowCount + 7L) >>> 3;
    boolean variable = layout == PhysicalLayout.VARIABLE;
    ArrowBuf validity = null;
    ArrowBuf values = null;
    ArrowBuf data = null;
    try {
      validity = allocator.buffer(bitmapBytes);
      if (out.validity == 0) {
        Bitmaps.setOnes(validity.memoryAddress(), rowCount);
      } else {
        MemoryUtil.copyMemory(out.validity, validity.memoryAddress(), bitmapBytes);
        Bitmaps.clearTail(validity.memoryAddress(), rowCount);
      }
      values = allocator.buffer(out.valuesBytes);
      MemoryUtil.copyMemory(out.values, values.memoryAddress(), out.valuesBytes);
      if (layout == PhysicalLayout.BIT) {
        Bitmaps.clearTail(values.memoryAddress(), rowCount);
      }
      ArrowFieldNode node = new ArrowFieldNode(rowCount, out.nullCount);
      if (variable) {
        data = allocator.buffer(out.dataBytes);
        MemoryUtil.copyMemory(out.data, data.memoryAddress(), out.dataBytes);
        vector.loadFieldBuffers(node, List.of(validity, values, data));
      } else {
        vector.loadFieldBuffers(node, List.of(validity, values));
      }
    } finally {
      // loadFieldBuffers took its own references; drop ours (also on failure: nothing leaks).
      release(validity);
      release(values);
      release(data);
    }
  }

  private static void release(ArrowBuf buffer) {
    if (buffer != null) {
      buffer.getReferenceManager().release();
    }
  }
}
