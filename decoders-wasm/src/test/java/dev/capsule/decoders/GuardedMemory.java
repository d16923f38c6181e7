package dev.capsule.decoders;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * A wasm memory that catches a decoder reading or writing where it must not: the guard zones
 * around every chunk the test copies in (no access at all) and the chunk itself (no write).
 * Checks apply only while {@link #armed} is set, i.e. during calls into the module; the test
 * harness reads and writes through {@link #raw()}.
 */
final class GuardedMemory implements Memory {
  private final ByteArrayMemory delegate;
  private final List<long[]> noAccess = new ArrayList<>(); // {from, to}
  private final List<long[]> noWrite = new ArrayList<>();
  private String violation;
  boolean armed;

  GuardedMemory(MemoryLimits limits) {
    this.delegate = new ByteArrayMemory(limits);
  }

  Memory raw() {
    return delegate;
  }

  void forbidAccess(long from, long to) {
    noAccess.add(new long[] {from, to});
  }

  void forbidWrite(long from, long to) {
    noWrite.add(new long[] {from, to});
  }

  /** The first violation since the last call, or null; clears it. */
  String takeViolation() {
    String v = violation;
    violation = null;
    return v;
  }

  private void read(int addr, long len) {
    if (armed) {
      check(noAccess, "read", addr, len);
    }
  }

  private void wrote(int addr, long len) {
    if (armed) {
      check(noAccess, "write", addr, len);
      check(noWrite, "write into the chunk", addr, len);
    }
  }

  private void check(List<long[]> zones, String what, int addr, long len) {
    long from = Integer.toUnsignedLong(addr);
    long to = from + len;
    for (long[] z : zones) {
      if (from < z[1] && to > z[0] && len > 0) {
        String v = what + " of " + len + " bytes at " + from + " touches guarded [" + z[0] + ", "
            + z[1] + ")";
        if (violation == null) {
          violation = v;
        }
        throw new AssertionError(v);
      }
    }
  }

  // ---- Memory ----

  @Override public int pages() { return delegate.pages(); }
  @Override public int grow(int size) { return delegate.grow(size); }
  @Override public int initialPages() { return delegate.initialPages(); }
  @Override public int maximumPages() { return delegate.maximumPages(); }
  @Override public boolean shared() { return delegate.shared(); }
  @Override public Object lock(int address) { return delegate.lock(address); }
  @Override public int waitOn(int address, int expected, long timeout) { return delegate.waitOn(address, expected, timeout); }
  @Override public int waitOn(int address, long expected, long timeout) { return delegate.waitOn(address, expected, timeout); }
  @Override public int notify(int address, int maxThreads) { return delegate.notify(address, maxThreads); }
  @Override public void initialize(Instance instance, DataSegment[] dataSegments) { delegate.initialize(instance, dataSegments); }
  @Override public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) { delegate.initialize(instance, dataSegments, memoryIndex); }
  @Override public void initPassiveSegment(int segmentId, int dest, int offset, int size) { delegate.initPassiveSegment(segmentId, dest, offset, size); }

  @Override public void write(int addr, byte[] data, int offset, int size) { wrote(addr, size); delegate.write(addr, data, offset, size); }
  @Override public byte read(int addr) { read(addr, 1); return delegate.read(addr); }
  @Override public byte[] readBytes(int addr, int len) { read(addr, len); return delegate.readBytes(addr, len); }
  @Override public void writeI32(int addr, int data) { wrote(addr, 4); delegate.writeI32(addr, data); }
  @Override public int readInt(int addr) { read(addr, 4); return delegate.readInt(addr); }
  @Override public void writeLong(int addr, long data) { wrote(addr, 8); delegate.writeLong(addr, data); }
  @Override public long readLong(int addr) { read(addr, 8); return delegate.readLong(addr); }
  @Override public void writeShort(int addr, short data) { wrote(addr, 2); delegate.writeShort(addr, data); }
  @Override public short readShort(int addr) { read(addr, 2); return delegate.readShort(addr); }
  @Override public long readU16(int addr) { read(addr, 2); return delegate.readU16(addr); }
  @Override public void writeByte(int addr, byte data) { wrote(addr, 1); delegate.writeByte(addr, data); }
  @Override public void writeF32(int addr, float data) { wrote(addr, 4); delegate.writeF32(addr, data); }
  @Override public long readF32(int addr) { read(addr, 4); return delegate.readF32(addr); }
  @Override public float readFloat(int addr) { read(addr, 4); return delegate.readFloat(addr); }
  @Override public void writeF64(int addr, double data) { wrote(addr, 8); delegate.writeF64(addr, data); }
  @Override public double readDouble(int addr) { read(addr, 8); return delegate.readDouble(addr); }
  @Override public long readF64(int addr) { read(addr, 8); return delegate.readF64(addr); }
  @Override public void zero() { delegate.zero(); }
  @Override public void fill(byte value, int fromIndex, int toIndex) { wrote(fromIndex, (long) toIndex - fromIndex); delegate.fill(value, fromIndex, toIndex); }
  @Override public void copy(int dest, int src, int size) { read(src, size); wrote(dest, size); delegate.copy(dest, src, size); }
  @Override public void drop(int segment) { delegate.drop(segment); }
}
