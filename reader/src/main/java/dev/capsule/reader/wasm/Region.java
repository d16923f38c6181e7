package dev.capsule.reader.wasm;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One off-heap block behind a wasm memory, shared by the memory and the Arrow buffers that view
 * decoded output in place. The block goes back to {@link RegionPool} when the last holder releases
 * it, so a memory that grows, detaches or closes never frees bytes a batch still points at.
 *
 * <p>Thread-safe: Arrow may release its buffers on any thread.
 */
final class Region {
  /**
   * Bytes of every region not yet freed, pooled ones excluded: what the decoder memory budget
   * limits. A region only Arrow still views counts until it is freed, because a batch pins its
   * whole region (chunk and scratch space), not just the bytes Arrow accounts for.
   */
  private static final AtomicLong RESERVED_BYTES = new AtomicLong();

  final long address;
  final long capacity;
  /** The memory's reference plus one per Arrow buffer viewing the region. */
  private final AtomicInteger references = new AtomicInteger(1);

  private Region(long address, long capacity) {
    this.address = address;
    this.capacity = capacity;
  }

  /**
   * A region of at least minBytes (dirty), held once by the calling memory.
   *
   * @throws OutOfMemoryError if the operating system refuses it
   */
  static Region acquire(long minBytes) {
    long[] block = RegionPool.acquire(minBytes);
    RESERVED_BYTES.addAndGet(block[1]);
    return new Region(block[0], block[1]);
  }

  static long reservedBytes() {
    return RESERVED_BYTES.get();
  }

  void retain() {
    if (references.getAndUpdate(n -> n > 0 ? n + 1 : n) <= 0) {
      throw new IllegalStateException("region already released");
    }
  }

  /** True if anyone besides the first holder (the memory) still holds the region. */
  boolean shared() {
    return references.get() > 1;
  }

  void release() {
    int left = references.decrementAndGet();
    if (left == 0) {
      RESERVED_BYTES.addAndGet(-capacity);
      RegionPool.release(address, capacity);
    } else if (left < 0) {
      throw new IllegalStateException("region released more often than held");
    }
  }
}
