package dev.capsule.decoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.capsule.format.PhysicalLayout;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A test-only host for one shipped decoder module: instantiates it with Chicory's compiler (every
 * function compiled, no interpreter fallback) over a {@link GuardedMemory}, copies chunks in
 * between guard zones, and reads back and checks descriptors the way a distrustful reader would.
 */
final class DecoderHarness {
  static final int DESCRIPTOR_SIZE = 60;
  private static final int GUARD = 64;

  private record Compiled(WasmModule module, Function<Instance, Machine> machines) {}

  private static final Map<String, Compiled> COMPILED = new ConcurrentHashMap<>();

  private final Instance instance;
  private final GuardedMemory memory;
  private final ExportFunction alloc;
  private final ExportFunction open;
  private final ExportFunction decode;
  private final ExportFunction error;
  final int descriptor;
  /** The module's decoder ABI: under v2 offsets may start anywhere (SPEC 8.6). */
  private final int abiVersion;
  /**
   * Whether offsets may decrease inside a window: capsule.plain returns a corrupt chunk's offsets
   * as they are and leaves that check to the host (SPEC 9.2), so its fuzzer sets this.
   */
  boolean offsetsMayDecrease;
  /** Where {@link #open(byte[])} copied the last chunk. */
  int lastChunk;

  DecoderHarness(String module) {
    this(module, null);
  }

  /** @param limits memory limits imposed by the host (the cap), or null for the module's own */
  DecoderHarness(String module, MemoryLimits limits) {
    Compiled compiled = COMPILED.computeIfAbsent(module, DecoderHarness::compile);
    GuardedMemory[] created = new GuardedMemory[1];
    Instance.Builder builder = Instance.builder(compiled.module())
        .withMachineFactory(compiled.machines())
        .withMemoryFactory(l -> created[0] = new GuardedMemory(l));
    if (limits != null) {
      builder.withMemoryLimits(limits);
    }
    this.instance = builder.build();
    this.memory = created[0];
    this.alloc = instance.export("capsule_alloc");
    this.open = instance.export("capsule_open");
    this.decode = instance.export("capsule_decode");
    this.error = instance.export("capsule_error");
    this.abiVersion = ShippedDecoders.abiVersion(module);
    assertEquals(abiVersion, call(instance.export("capsule_abi")));
    this.descriptor = alloc(DESCRIPTOR_SIZE);
    assertTrue(descriptor != 0 && descriptor % 8 == 0, "capsule_alloc(60) = " + descriptor);
  }

  private static Compiled compile(String module) {
    WasmModule parsed = Parser.parse(ShippedDecoders.bytes(module));
    Function<Instance, Machine> machines = MachineFactoryCompiler.builder(parsed)
        .withInterpreterFallback(InterpreterFallback.FAIL)
        .compile();
    return new Compiled(parsed, machines);
  }

  Memory memory() {
    return memory.raw();
  }

  long memorySize() {
    return (long) memory.pages() * Memory.PAGE_SIZE;
  }

  private boolean guarded = true;

  /** Turns the guard zones off (for calls that legitimately read near them) or back on. */
  void guarded(boolean on) {
    guarded = on;
  }

  private int call(ExportFunction f, long... args) {
    memory.armed = guarded;
    try {
      return (int) f.apply(args)[0];
    } finally {
      memory.armed = false;
      String v = memory.takeViolation();
      if (v != null) {
        fail("decoder memory violation: " + v);
      }
    }
  }

  int alloc(int size) {
    return call(alloc, size);
  }

  /**
   * Copies the chunk into memory between two guard zones and opens it; returns the handle (0 if
   * capsule_open failed).
   */
  int open(byte[] chunk) {
    int base = alloc(GUARD + chunk.length + GUARD);
    assertTrue(base != 0 && base % 8 == 0, "capsule_alloc returned " + base);
    int ptr = base + GUARD;
    byte[] guard = new byte[GUARD];
    java.util.Arrays.fill(guard, (byte) 0xA5);
    memory.raw().write(base, guard);
    memory.raw().write(ptr, chunk);
    memory.raw().write(ptr + chunk.length, guard);
    memory.forbidAccess(base, ptr);
    memory.forbidWrite(ptr, ptr + chunk.length);
    memory.forbidAccess(ptr + chunk.length, ptr + chunk.length + GUARD);
    lastChunk = ptr;
    return openAt(ptr, chunk.length);
  }

  int openAt(int ptr, int len) {
    return call(open, ptr, len);
  }

  int decodeRaw(int handle, int firstRow, int rowCount) {
    return decodeRaw(handle, firstRow, rowCount, descriptor);
  }

  int decodeRaw(int handle, int firstRow, int rowCount, int out) {
    return call(decode, handle, firstRow, rowCount, out);
  }

  /** capsule_error(handle) as a string; checks the pointer and length first. */
  String error(int handle) {
    int p = call(error, handle);
    Memory m = memory.raw();
    assertTrue(p != 0 && Integer.toUnsignedLong(p) + 4 <= memorySize(), "capsule_error pointer " + p);
    int len = m.readInt(p);
    assertTrue(len >= 0 && Integer.toUnsignedLong(p) + 4 + len <= memorySize(), "message length " + len);
    String s = new String(m.readBytes(p + 4, len), StandardCharsets.UTF_8);
    assertTrue(StandardCharsets.US_ASCII.newEncoder().canEncode(s), "non-ASCII message: " + s);
    return s;
  }

  /** The decoded buffers of one capsule_decode, copied out of wasm memory. */
  record Decoded(long length, long nullCount, byte[] validity, byte[] values, int[] offsets,
                 byte[] data) {}

  /** Decodes and checks everything a reader would check; fails the test on an error return. */
  Decoded decode(int handle, PhysicalLayout layout, int firstRow, int rowCount) {
    return decode(handle, layout.code(), firstRow, rowCount);
  }

  /** Same for any layout code (0 BIT, 255 VARIABLE, w FIXEDw with 1 <= w <= 254). */
  Decoded decode(int handle, int layoutCode, int firstRow, int rowCount) {
    int rc = decodeRaw(handle, firstRow, rowCount);
    if (rc != 0) {
      fail("capsule_decode(" + firstRow + ", " + rowCount + ") returned " + rc + ": " + error(handle));
    }
    return readDescriptor(layoutCode, rowCount);
  }

  Decoded readDescriptor(PhysicalLayout layout, int rowCount) {
    return readDescriptor(layout.code(), rowCount);
  }

  /** The form of the last VARIABLE output read: plain, or (ABI v3) dictionary or run-end. */
  enum Form { PLAIN, DICTIONARY, RUN_END }

  Form lastForm;

  Decoded readDescriptor(int layoutCode, int rowCount) {
    boolean variable = layoutCode == PhysicalLayout.VARIABLE.code();
    Memory m = memory.raw();
    int d = descriptor;
    long length = m.readLong(d);
    long nullCount = m.readLong(d + 8);
    assertEquals(rowCount, length, "length");
    assertEquals(0, m.readLong(d + 16), "offset");
    int buffers = m.readInt(d + 40);
    int children = m.readInt(d + 44);
    int dictionary = m.readInt(d + 48);
    lastForm = dictionary != 0 ? Form.DICTIONARY : children != 0 ? Form.RUN_END : Form.PLAIN;
    assertTrue(lastForm == Form.PLAIN || variable && abiVersion >= 3, lastForm + " form needs VARIABLE and ABI v3");
    int bufferCount = lastForm == Form.DICTIONARY ? 2 : lastForm == Form.RUN_END ? 1 : variable ? 3 : 2;
    assertEquals(bufferCount, m.readLong(d + 24), "n_buffers");
    assertEquals(lastForm == Form.RUN_END ? 2 : 0, m.readLong(d + 32), "n_children");
    assertTrue(children == 0 || dictionary == 0, "children and a dictionary");
    checkRange(buffers, 4L * bufferCount, "buffers array");
    int validityPtr = m.readInt(buffers);
    int valuesPtr = m.readInt(buffers + 4);

    byte[] validity = null;
    if (validityPtr != 0) {
      validity = read(validityPtr, (rowCount + 7) / 8, "validity");
      assertEquals(rowCount - countOnes(validity, rowCount), nullCount, "null_count vs bitmap");
    } else {
      assertEquals(0, nullCount, "null_count with no validity buffer");
    }
    if (lastForm == Form.DICTIONARY) {
      String[] entries = values(dictionary, "dictionary");
      int[] indices = ints(m.readInt(buffers + 4), rowCount, "indices");
      return expanded(length, nullCount, validity, rowCount, i -> {
        assertTrue(indices[i] >= 0 && indices[i] < entries.length, "index " + indices[i] + " of row " + i);
        return entries[indices[i]];
      });
    }
    if (lastForm == Form.RUN_END) {
      checkRange(children, 8, "children");
      String[] runValues = values(m.readInt(children + 4), "run values");
      int endsDescriptor = m.readInt(children);
      int[] ends = ints(m.readInt(childBuffers(endsDescriptor, 2, runValues.length, "run ends") + 4), runValues.length,
          "run ends");
      String[] rows = new String[rowCount];
      for (int k = 0, row = 0; k < ends.length; k++) {
        assertTrue(ends[k] > row && ends[k] <= rowCount, "run end " + k + " is " + ends[k] + " after " + row);
        for (; row < ends[k]; row++) {
          rows[row] = runValues[k];
        }
      }
      assertTrue(ends.length == 0 ? rowCount == 0 : ends[ends.length - 1] == rowCount, "last run end");
      return expanded(length, nullCount, validity, rowCount, i -> rows[i]);
    }
    switch (layoutCode) {
      case 0: // BIT
        return new Decoded(length, nullCount, validity, read(valuesPtr, (rowCount + 7) / 8, "values"),
            null, null);
      case 255: { // VARIABLE
        int dataPtr = m.readInt(buffers + 8);
        byte[] raw = read(valuesPtr, 4L * (rowCount + 1), "offsets");
        int[] offsets = new int[rowCount + 1];
        for (int i = 0; i <= rowCount; i++) {
          offsets[i] = (raw[4 * i] & 0xFF) | (raw[4 * i + 1] & 0xFF) << 8
              | (raw[4 * i + 2] & 0xFF) << 16 | (raw[4 * i + 3] & 0xFF) << 24;
          if (i == 0) {
            assertTrue(abiVersion == 1 ? offsets[0] == 0 : offsets[0] >= 0, "offsets[0] = " + offsets[0]);
          } else {
            assertTrue(offsetsMayDecrease || offsets[i] >= offsets[i - 1], "offsets decrease at " + i);
          }
        }
        // Tests compare values: offsets rebased to 0 and the data from the first row's first byte.
        assertTrue(offsets[rowCount] >= offsets[0], "offsets[" + rowCount + "] < offsets[0]");
        checkRange(dataPtr, offsets[rowCount], "data");
        int first = offsets[0];
        for (int i = 0; i <= rowCount; i++) {
          offsets[i] -= first;
        }
        byte[] data = read(dataPtr + first, offsets[rowCount], "data");
        return new Decoded(length, nullCount, validity, null, offsets, data);
      }
      default:
        return new Decoded(length, nullCount, validity,
            read(valuesPtr, (long) rowCount * layoutCode, "values"), null, null);
    }
  }

  /** The buffer table of a child of an encoded form, checked: length values, no nulls, n buffers. */
  private int childBuffers(int child, int n, long length, String what) {
    Memory m = memory.raw();
    checkRange(child, DESCRIPTOR_SIZE, what);
    if (length >= 0) {
      assertEquals(length, m.readLong(child), what + " length");
    }
    assertEquals(0, m.readLong(child + 8), what + " null_count");
    assertEquals(0, m.readLong(child + 16), what + " offset");
    assertEquals(n, m.readLong(child + 24), what + " n_buffers");
    assertEquals(0, m.readLong(child + 32), what + " n_children");
    assertEquals(0, m.readInt(child + 44), what + " children");
    assertEquals(0, m.readInt(child + 48), what + " dictionary");
    int table = m.readInt(child + 40);
    checkRange(table, 4L * n, what + " buffers");
    assertEquals(0, m.readInt(table), what + " validity");
    return table;
  }

  /** The values of a VARIABLE child (dictionary entries, run values) as Latin-1 strings of their bytes. */
  private String[] values(int child, String what) {
    int count = (int) memory.raw().readLong(child);
    int table = childBuffers(child, 3, -1, what);
    int[] offsets = ints(memory.raw().readInt(table + 4), count + 1, what + " offsets");
    String[] values = new String[count];
    for (int k = 0; k < count; k++) {
      assertTrue(offsets[k] >= 0 && offsets[k + 1] >= offsets[k], what + " offsets at " + k);
      byte[] bytes = read(memory.raw().readInt(table + 8) + offsets[k], offsets[k + 1] - offsets[k], what);
      values[k] = new String(bytes, StandardCharsets.ISO_8859_1);
    }
    return values;
  }

  private int[] ints(int ptr, int count, String what) {
    byte[] raw = read(ptr, 4L * count, what);
    int[] ints = new int[count];
    for (int i = 0; i < count; i++) {
      ints[i] = (raw[4 * i] & 0xFF) | (raw[4 * i + 1] & 0xFF) << 8 | (raw[4 * i + 2] & 0xFF) << 16
          | (raw[4 * i + 3] & 0xFF) << 24;
    }
    return ints;
  }

  /** Output of an encoded form, expanded the plain way: offsets from 0 and the rows' bytes. */
  private static Decoded expanded(long length, long nullCount, byte[] validity, int rowCount,
      IntFunction<String> row) {
    int[] offsets = new int[rowCount + 1];
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < rowCount; i++) {
      data.append(row.apply(i));
      offsets[i + 1] = data.length();
    }
    return new Decoded(length, nullCount, validity, null, offsets,
        data.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  private byte[] read(int ptr, long len, String what) {
    checkRange(ptr, len, what);
    return len == 0 ? new byte[0] : memory.raw().readBytes(ptr, (int) len);
  }

  private void checkRange(int ptr, long len, String what) {
    long p = Integer.toUnsignedLong(ptr);
    assertTrue(p != 0 || len == 0, what + " pointer is 0");
    assertTrue(p + len <= memorySize(), what + " [" + p + ", +" + len + ") outside memory of "
        + memorySize() + " bytes");
  }

  static int countOnes(byte[] bitmap, int bits) {
    int ones = 0;
    for (int i = 0; i < bits; i++) {
      ones += (bitmap[i >> 3] >> (i & 7)) & 1;
    }
    return ones;
  }
}
