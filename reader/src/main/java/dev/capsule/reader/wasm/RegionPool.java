package dev.capsule.reader.wasm;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Off-heap regions kept for the next wasm memory. Touching fresh memory costs 6-17 us per 4 KiB
 * page on the machines we measured (DESIGN.md section 4: a 16 MiB memory took 70 ms to zero the
 * first time, 0.6 ms when recycled), and malloc hands large regions back to the kernel on free.
 * Every chunk gets a fresh wasm memory, so recycling the regions of closed memories turns that
 * kernel cost into a memset.
 *
 * <p>Bounded by {@link #budgetBytes()} (system property {@code capsule.wasm.pooledBytes}, default
 * 256 MiB); regions beyond it are freed. Regions come back dirty: {@link OffHeapMemory} zeroes what
 * it hands to wasm. Thread-safe.
 */
final class RegionPool {
  private static final long BUDGET = Long.getLong("capsule.wasm.pooledBytes", 256L << 20);

  /** Pooled regions, sorted by capacity: [address, capacity] pairs. */
  private static final List<long[]> REGIONS = new ArrayList<>();
  private static long pooledBytes;

  private RegionPool() {}

  static long budgetBytes() {
    return BUDGET;
  }

  /**
   * The smallest pooled region of at least minBytes, or a new one of exactly minBytes.
   *
   * @return {address, capacity}; {0, 0} for minBytes 0
   * @throws OutOfMemoryError if a new region cannot be allocated
   */
  static long[] acquire(long minBytes) {
    if (minBytes == 0) {
      return new long[] {0, 0};
    }
    synchronized (REGIONS) {
      for (int i = 0; i < REGIONS.size(); i++) {
        long[] region = REGIONS.get(i);
        // Do not let a tiny memory pin a huge region: at most 4x what was asked for.
        if (region[1] >= minBytes && region[1] / 4 <= minBytes) {
          REGIONS.remove(i);
          pooledBytes -= region[1];
          return region;
        }
      }
    }
    return new long[] {MemoryUtil.allocateMemory(minBytes), minBytes};
  }

  /** Takes a region back, or frees it when the pool is full. */
  static void release(long address, long capacity) {
    if (address == 0) {
      return;
    }
    synchronized (REGIONS) {
      while (pooledBytes + capacity > BUDGET && !REGIONS.isEmpty() && REGIONS.get(0)[1] < capacity) {
        long[] smallest = REGIONS.remove(0);
        pooledBytes -= smallest[1];
        MemoryUtil.freeMemory(smallest[0]);
      }
      if (pooledBytes + capacity <= BUDGET) {
        int at = 0;
        while (at < REGIONS.size() && REGIONS.get(at)[1] < capacity) {
          at++;
        }
        REGIONS.add(at, new long[] {address, capacity});
        pooledBytes += capacity;
        return;
      }
    }
    MemoryUtil.freeMemory(address);
  }

  /** Frees every pooled region. */
  static void trim() {
    synchronized (REGIONS) {
      for (long[] region : REGIONS) {
        MemoryUtil.freeMemory(region[0]);
      }
      REGIONS.clear();
      pooledBytes = 0;
    }
  }

  static long pooledBytes() {
    synchronized (REGIONS) {
      return pooledBytes;
    }
  }
}
