package dev.capsule.reader.wasm;

import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * A wasm linear memory in one contiguous off-heap region. Chicory's own memories are paged byte
 * arrays or ByteBuffers and measured 1.4-2x slower (DESIGN.md section 4); one region also lets
 * Arrow buffers view decoded output where the decoder wrote it ({@link #view}).
 *
 * <p>Every access is bounds-checked against the current size and fails with Chicory's usual
 * out-of-bounds trap ({@link WasmRuntimeException}), so a decoder can never touch memory outside its
 * region. {@link #grow} refuses (returns -1) past the cap given at construction, which is the lower
 * of the module's declared maximum and the host's limit. Growing past the reserved capacity
 * reallocates (doubling) and copies; the base address may change, so callers re-read it after every
 * call into the module.
 *
 * <p>The region is reference-counted ({@link Region}): Arrow buffers may view decoded output in
 * place ({@link #view}), and the region outlives the memory's growth and {@link #close()} until
 * the last of them is released. Before calling into the module while views are held, the host
 * {@link #detach}es, so a decoder never writes bytes that Arrow already holds.
 *
 * <p>Not thread-safe and never shared (decoders may not use threads). After {@link #close()} the
 * size is 0, so a stray access traps instead of touching freed memory. Regions go to a bounded
 * {@link RegionPool} for the next memory once neither a memory nor a view holds them, since
 * first-touching fresh pages is the slowest thing a decoder does.
 */
public final class OffHeapMemory implements Memory, AutoCloseable {
  /**
   * All decoder memories of the JVM together, with the regions kept batches still view, may not
   * grow past this (system property capsule.wasm.maxTotalBytes, default 4 GiB): the per-instance
   * cap alone would let a hostile file with many columns commit columns × cap bytes.
   */
  static volatile long totalBudgetBytes = Long.getLong("capsule.wasm.maxTotalBytes", 4L << 30);
  private static final byte[] NO_DATA = new byte[0];

  private final MemoryLimits limits;
  private final int maxPages;
  /** The block behind the memory; null when nothing is reserved. */
  private Region region;
  /** Start of the region (a copy of region.address for the hot path); 0 when nothing is reserved. */
  private long base;
  /** Current size in bytes (pages * PAGE_SIZE), a long so bounds checks need no widening. */
  private long limit;
  private long capacity;
  private int pages;
  /** True until the first write: Chicory zeroes every new memory, which ours already is. */
  private boolean pristine = true;
  /** The module's data segments, copied once (DataSegment.data() clones on every call). */
  private byte[][] segments = new byte[0][];

  /**
   * @param limits the module's declared limits (initial and maximum pages)
   * @param capPages the host's cap; the effective maximum is the lower of the two
   * @throws UninstantiableException if the initial size is above the cap, the memory is shared, or
   *     the operating system refuses the region
   */
  public OffHeapMemory(MemoryLimits limits, int capPages) {
    this.limits = limits;
    this.maxPages = Math.min(Math.min(limits.maximumPages(), capPages), RUNTIME_MAX_PAGES);
    if (limits.shared()) {
      throw new UninstantiableException("decoders may not use shared memory");
    }
    if (limits.initialPages() > maxPages) {
      throw new UninstantiableException("initial memory of " + limits.initialPages()
          + " pages exceeds the limit of " + maxPages + " pages");
    }
    this.pages = limits.initialPages();
    this.limit = (long) pages * PAGE_SIZE;
    try {
      reserve(limit);
    } catch (OutOfMemoryError e) {
      throw new UninstantiableException("cannot allocate " + limit + " bytes of initial memory", e);
    }
    MemoryUtil.setMemory(base, limit, (byte) 0);
  }

  /** Address of byte 0 of the memory; changes when the memory grows or detaches. */
  public long address() {
    return base;
  }

  /** Current size in bytes. */
  public long byteSize() {
    return limit;
  }

  /** Off-heap bytes of all memories of this JVM and of the regions Arrow still views. */
  static long reservedBytes() {
    return Region.reservedBytes();
  }

  /**
   * A buffer of allocator viewing [address, address + bytes) of this memory without copying; it
   * holds the region until Arrow releases it. The caller checked the range lies inside the memory.
   */
  ArrowBuf view(BufferAllocator allocator, long address, long bytes) {
    RegionView view = new RegionView(region, address, bytes);
    try {
      return allocator.wrapForeignAllocation(view);
    } catch (RuntimeException | Error e) {
      view.release0(); // Arrow releases it on some failures and not on others (over its limit)
      throw e;
    }
  }

  /** A range of a region held for one Arrow buffer; releasing it twice releases the region once. */
  private static final class RegionView extends ForeignAllocation {
    private final Region region;
    private final AtomicBoolean released = new AtomicBoolean();

    RegionView(Region region, long address, long bytes) {
      super(bytes, address);
      region.retain();
      this.region = region;
    }

    @Override
    protected void release0() {
      if (released.compareAndSet(false, true)) {
        region.release();
      }
    }
  }

  /** True while Arrow buffers view the current region. */
  boolean viewed() {
    return region != null && region.shared();
  }

  /**
   * Moves the memory to a fresh copy of its region, leaving the old one to the Arrow buffers that
   * view it: the module may then write anywhere without changing what they hold. The old region
   * still counts against the budget until they release it.
   *
   * @return false, leaving the memory as it was, if the copy would exceed the budget
   * @throws OutOfMemoryError if the operating system refuses the copy
   */
  boolean detach() {
    if (region == null) {
      return true;
    }
    if (Region.reservedBytes() + capacity > totalBudgetBytes) {
      return false;
    }
    reserve(capacity);
    return true;
  }

  /** Releases the memory's hold on its region (freed once no Arrow buffer views it); idempotent. */
  @Override
  public void close() {
    if (region != null) {
      region.release();
    }
    region = null;
    base = 0;
    capacity = 0;
    limit = 0;
    pages = 0;
  }

  /**
   * Replaces the region by one of at least minCapacity bytes holding the current contents. Regions
   * come from {@link RegionPool}, dirty: callers zero what they expose.
   */
  private void reserve(long minCapacity) {
    Region next = Region.acquire(minCapacity);
    if (region != null) {
      MemoryUtil.copyMemory(base, next.address, limit);
      region.release();
    }
    region = next;
    base = next.address;
    capacity = next.capacity;
  }

  // ---- size ----

  @Override
  public int pages() {
    return pages;
  }

  @Override
  public int grow(int delta) {
    int previous = pages;
    // memory.grow takes an unsigned count: a negative int is a request for over 2^31 pages.
    if (delta < 0 || (long) previous + delta > maxPages) {
      return -1;
    }
    long newLimit = (long) (previous + delta) * PAGE_SIZE;
    if (newLimit > capacity && Region.reservedBytes() + (newLimit - capacity) > totalBudgetBytes) {
      return -1;
    }
    if (newLimit > capacity) {
      // Doubling keeps a decoder that grows a page at a time from copying quadratically.
      long doubled = Math.min(Math.max(capacity * 2, newLimit), (long) maxPages * PAGE_SIZE);
      if (Region.reservedBytes() + (doubled - capacity) > totalBudgetBytes) {
        doubled = newLimit;
      }
      try {
        reserve(doubled);
      } catch (OutOfMemoryError e) {
        try {
          reserve(newLimit);
        } catch (OutOfMemoryError again) {
          return -1;
        }
      }
    }
    MemoryUtil.setMemory(base + limit, newLimit - limit, (byte) 0);
    pages = previous + delta;
    limit = newLimit;
    return previous;
  }

  @Override
  public int initialPages() {
    return limits.initialPages();
  }

  @Override
  public int maximumPages() {
    return maxPages;
  }

  @Override
  public boolean shared() {
    return false;
  }

  // ---- bounds ----

  /** Address of [addr, addr + size) after checking it lies inside the memory. */
  private long at(int addr, int size) {
    // addr is an unsigned wasm address; one unsigned comparison covers negative ints too.
    if ((addr & 0xFFFFFFFFL) > limit - size) {
      throw outOfBounds(addr, size);
    }
    return base + addr;
  }

  private long range(int addr, int size) {
    if (size < 0 || (addr & 0xFFFFFFFFL) + size > limit) {
      throw outOfBounds(addr, size);
    }
    return base + addr;
  }

  private WasmRuntimeException outOfBounds(int addr, int size) {
    return new WasmRuntimeException("out of bounds memory access: attempted to access address: "
        + Integer.toUnsignedString(addr) + " but limit is: " + limit + " and size: "
        + Integer.toUnsignedString(size));
  }

  // ---- instantiation and bulk memory ----

  @Override
  public void initialize(Instance instance, DataSegment[] dataSegments) {
    initialize(instance, dataSegments, 0);
  }

  @Override
  public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
    pristine = false;
    if (dataSegments == null) {
      return;
    }
    segments = new byte[dataSegments.length][];
    for (int i = 0; i < dataSegments.length; i++) {
      DataSegment segment = dataSegments[i];
      byte[] data = segment.data();
      if (segment instanceof ActiveDataSegment) {
        ActiveDataSegment active = (ActiveDataSegment) segment;
        if (active.index() == memoryIndex) {
          int offset = (int) ConstantEvaluators.computeConstantValue(instance, active.offsetInstructions())[0];
          if ((offset & 0xFFFFFFFFL) + data.length > limit) {
            throw new UninstantiableException("out of bounds memory access: data segment " + i
                + " of " + data.length + " bytes at " + Integer.toUnsignedString(offset));
          }
          write(offset, data, 0, data.length);
        }
        // Active segments count as dropped once applied (bulk-memory semantics).
        data = NO_DATA;
      }
      segments[i] = data;
    }
  }

  @Override
  public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
    byte[] data = segments[segmentId];
    if (offset < 0 || size < 0 || (long) offset + size > data.length) {
      throw new WasmRuntimeException("out of bounds memory access: memory.init of " + Integer.toUnsignedString(size)
          + " bytes at segment offset " + Integer.toUnsignedString(offset) + ", segment has " + data.length);
    }
    long to = range(dest, size);
    MemoryUtil.copyToMemory(data, offset, to, size);
  }

  @Override
  public void drop(int segment) {
    segments[segment] = NO_DATA;
  }

  @Override
  public void zero() {
    if (!pristine) {
      MemoryUtil.setMemory(base, limit, (byte) 0);
    }
  }

  @Override
  public void fill(byte value, int fromIndex, int toIndex) {
    // Chicory passes toIndex = fromIndex + size, so the difference is the (unsigned) size.
    int size = toIndex - fromIndex;
    long to = range(fromIndex, size);
    MemoryUtil.setMemory(to, size, value);
  }

  /** Copies up to this many bytes with 8-byte words: cheaper than Unsafe.copyMemory's call for short values. */
  private static final int SHORT_COPY = 64;

  @Override
  public void copy(int dest, int src, int size) {
    long to = range(dest, size);
    long from = range(src, size);
    if (size <= SHORT_COPY) {
      copyShort(from, to, size);
    } else {
      // Unsafe.copyMemory is a conjoint (memmove) copy: overlapping ranges are fine.
      MemoryUtil.copyMemory(from, to, size);
    }
  }

  /**
   * memmove of a few bytes, word by word: forward when the destination lies below the source (each
   * word is read before any write can reach it), backward otherwise.
   */
  private static void copyShort(long from, long to, int size) {
    int words = size & ~7;
    if (to <= from) {
      for (int i = 0; i < words; i += 8) {
        MemoryUtil.putLong(to + i, MemoryUtil.getLong(from + i));
      }
      for (int i = words; i < size; i++) {
        MemoryUtil.putByte(to + i, MemoryUtil.getByte(from + i));
      }
    } else {
      for (int i = size - 1; i >= words; i--) {
        MemoryUtil.putByte(to + i, MemoryUtil.getByte(from + i));
      }
      for (int i = words - 8; i >= 0; i -= 8) {
        MemoryUtil.putLong(to + i, MemoryUtil.getLong(from + i));
      }
    }
  }

  @Override
  public void write(int addr, byte[] data, int offset, int size) {
    if (offset < 0 || size < 0 || (long) offset + size > data.length) {
      throw new WasmRuntimeException("out of bounds memory access: source array of " + data.length
          + " bytes, offset " + offset + ", size " + size);
    }
    MemoryUtil.copyToMemory(data, offset, range(addr, size), size);
  }

  /** Allocates; hosts should copy with {@link #address()} instead on any hot path. */
  @Override
  public byte[] readBytes(int addr, int len) {
    long from = range(addr, len);
    byte[] bytes = new byte[len];
    MemoryUtil.copyFromMemory(from, bytes, 0, len);
    return bytes;
  }

  // ---- scalar access: the hot path of compiled wasm code ----

  @Override
  public byte read(int addr) {
    return MemoryUtil.getByte(at(addr, 1));
  }

  @Override
  public void writeByte(int addr, byte data) {
    MemoryUtil.putByte(at(addr, 1), data);
  }

  @Override
  public short readShort(int addr) {
    return MemoryUtil.getShort(at(addr, 2));
  }

  @Override
  public long readU16(int addr) {
    return MemoryUtil.getShort(at(addr, 2)) & 0xFFFFL;
  }

  @Override
  public void writeShort(int addr, short data) {
    MemoryUtil.putShort(at(addr, 2), data);
  }

  @Override
  public int readInt(int addr) {
    return MemoryUtil.getInt(at(addr, 4));
  }

  @Override
  public void writeI32(int addr, int data) {
    MemoryUtil.putInt(at(addr, 4), data);
  }

  @Override
  public long readLong(int addr) {
    return MemoryUtil.getLong(at(addr, 8));
  }

  @Override
  public void writeLong(int addr, long data) {
    MemoryUtil.putLong(at(addr, 8), data);
  }

  @Override
  public long readF32(int addr) {
    return readInt(addr);
  }

  @Override
  public float readFloat(int addr) {
    return Float.intBitsToFloat(readInt(addr));
  }

  @Override
  public void writeF32(int addr, float data) {
    writeI32(addr, Float.floatToRawIntBits(data));
  }

  @Override
  public long readF64(int addr) {
    return readLong(addr);
  }

  @Override
  public double readDouble(int addr) {
    return Double.longBitsToDouble(readLong(addr));
  }

  @Override
  public void writeF64(int addr, double data) {
    writeLong(addr, Double.doubleToRawLongBits(data));
  }

  // ---- threads: decoders have none; the interface's atomic defaults synchronize on lock() ----

  @Override
  @SuppressWarnings("removal")
  public Object lock(int address) {
    return this;
  }

  @Override
  @SuppressWarnings("removal")
  public int waitOn(int address, int expected, long timeout) {
    throw new ChicoryException("memory.atomic.wait on an unshared memory");
  }

  @Override
  @SuppressWarnings("removal")
  public int waitOn(int address, long expected, long timeout) {
    throw new ChicoryException("memory.atomic.wait on an unshared memory");
  }

  @Override
  @SuppressWarnings("removal")
  public int notify(int address, int maxThreads) {
    return 0;
  }
}
