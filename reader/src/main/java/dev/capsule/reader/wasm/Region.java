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
  /** Bytes of every region not yet freed, pooled ones excluded (for leak checks). */
  private static final AtomicLong RESERVED_BYTES = new AtomicLong();
  /**
   * Bytes of the regions a wasm memory still owns: what decoders can make the JVM commit, and so
   * what the decoder memory budget limits. A region only Arrow still views is Arrow's to account.
   */
  private static final AtomicLong OWNED_BYTES = new AtomicLong();

  final long address;
  final long capacity;
  /** The owning memory's reference plus one per Arrow buffer viewing the region. */
  private final AtomicInteger references = new AtomicInteger(1);

  private Region(long address, long capacity) {
    this.address = address;
    this.capacity = capacity;
  }

  /**
   * A region of at least minBytes (dirty), owned by the calling memory until it {@link #disown}s it.
   *
   * @throws OutOfMemoryError if the operating system refuses it
   */
  static Region acquire(long minBytes) {
    long[] block = RegionPool.acquire(minBytes);
    RESERVED_BYTES.addAndGet(block[1]);
    OWNED_BYTES.addAndGet(block[1]);
    return new Region(block[0], block[1]);
  }

  static long reservedBytes() {
    return RESERVED_BYTES.get();
  }

  static long ownedBytes() {
    return OWNED_BYTES.get();
  }

  void retain() {
    if (references.getAndIncrement() <= 0) {
      throw new IllegalStateException("region already released");
    }
  }

  /** True if anyone besides the first holder (the memory) still holds the region. */
  boolean shared() {
    return references.get() > 1;
  }

  /** The memory lets go of the region; it is freed once no Arrow buffer views it either. */
  void disown() {
    OWNED_BYTES.addAndGet(-capacity);
    release();
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
