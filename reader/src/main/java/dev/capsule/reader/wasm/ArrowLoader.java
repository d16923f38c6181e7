package dev.capsule.reader.wasm;

import dev.capsule.format.PhysicalLayout;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;

/**
 * Moves checked decoder output into an Arrow vector, then {@link FieldVector#loadFieldBuffers},
 * which releases the vector's previous buffers. Each buffer is a view of the decoder's memory
 * ({@link OffHeapMemory#view}: no copy; {@link ChunkDecoder} detaches the memory before calling the
 * module again while Arrow holds it), or a fresh buffer of the vector's allocator filled by one
 * memcpy when no memory is given or the buffer is not aligned to its elements (Arrow's C++ kernels
 * load values at their natural alignment), or for offsets that an ABI v2 decoder did not start at 0,
 * the rebased copy {@link DecoderOutput} wrote while checking them, or for output in dictionary or
 * run-end form (ABI v3), the offsets and data {@link EncodedForms} expanded it to.
 *
 * <p>Why copies never reuse the vector's previous buffers when they are large enough: whoever
 * consumed the previous batch may still hold them, and a reference taken through another allocator
 * (a splitAndTransfer into a child allocator, say) leaves no trace in the reference count this
 * allocator's ledger shows. Overwriting them would corrupt that batch silently.
 */
final class ArrowLoader {
  private ArrowLoader() {}

  /**
   * @param memory the decoder's memory to view output in, or null to copy every buffer
   */
  static void load(FieldVector vector, PhysicalLayout layout, DecoderOutput out, int rowCount,
      OffHeapMemory memory) {
    BufferAllocator allocator = vector.getAllocator();
    long bitmapBytes = (rowCount + 7L) >>> 3;
    ArrowBuf validity = null;
    ArrowBuf values = out.rebased; // ours now: released below like every buffer taken here
    out.rebased = null;
    ArrowBuf data = out.expanded; // likewise
    out.expanded = null;
    try {
      if (out.validity == 0) {
        validity = allocator.buffer(bitmapBytes);
        Bitmaps.setOnes(validity.memoryAddress(), rowCount);
      } else {
        validity = takeBitmap(allocator, memory, out.validity, rowCount);
      }
      if (layout == PhysicalLayout.BIT) {
        values = takeBitmap(allocator, memory, out.values, rowCount);
      } else if (values == null) {
        boolean aligned = (out.values & (alignment(layout) - 1)) == 0;
        values = take(allocator, aligned ? memory : null, out.values, out.valuesBytes);
      }
      ArrowFieldNode node = new ArrowFieldNode(rowCount, out.nullCount);
      if (layout == PhysicalLayout.VARIABLE) {
        if (data == null) {
          data = take(allocator, memory, out.data, out.dataBytes); // bytes: any address will do
        }
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

  /**
   * [address, address + bytes) of the decoder's memory as an Arrow buffer: a view, or a copy when
   * memory is null.
   */
  private static ArrowBuf take(BufferAllocator allocator, OffHeapMemory memory, long address, long bytes) {
    if (memory != null && bytes > 0) {
      return memory.view(allocator, address, bytes);
    }
    ArrowBuf copy = allocator.buffer(bytes);
    MemoryUtil.copyMemory(address, copy.memoryAddress(), bytes);
    return copy;
  }

  /** What the values (or offsets) buffer's address must be a multiple of: its elements' alignment, at most 8. */
  private static int alignment(PhysicalLayout layout) {
    if (layout == PhysicalLayout.VARIABLE) {
      return Integer.BYTES;
    }
    return Math.min(Integer.lowestOneBit(layout.byteWidth()), 8);
  }

  /**
   * A bitmap of rowCount bits. Arrow wants the bits past the last row clear, but they may belong to
   * the decoder (a view of the chunk holds the next rows there), so a bitmap with such bits is copied
   * and cleared in the copy.
   */
  private static ArrowBuf takeBitmap(BufferAllocator allocator, OffHeapMemory memory, long address, int rowCount) {
    ArrowBuf bitmap = take(allocator, (rowCount & 7) == 0 ? memory : null, address, (rowCount + 7L) >>> 3);
    Bitmaps.clearTail(bitmap.memoryAddress(), rowCount);
    return bitmap;
  }

  private static void release(ArrowBuf buffer) {
    if (buffer != null) {
      buffer.getReferenceManager().release();
    }
  }
}
