package dev.capsule.reader.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.reader.wasm.DecoderOutput.InvalidOutputException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

/**
 * The host's check of a VARIABLE output's offsets, on descriptors written by hand: a decrease or a
 * negative offset is caught at every position, the first and the last included, for every row
 * count, and named by its row; under ABI v2 the offsets may start anywhere, and the host then
 * rebases them for Arrow and checks UTF-8 from the first row's bytes on.
 */
class DecoderOutputTest {
  private static final int DESCRIPTOR = 0;
  private static final int TABLE = 64;
  private static final int OFFSETS = 128;

  @Test
  void monotonicOffsetsPassAndGiveTheDataSize() {
    for (int n = 0; n <= 9; n++) {
      int[] offsets = new int[n + 1];
      for (int i = 1; i <= n; i++) {
        offsets[i] = offsets[i - 1] + (i % 3); // some empty values too
      }
      DecoderOutput out = check(offsets);
      assertEquals(offsets[n], out.dataBytes, "n = " + n);
    }
  }

  @Test
  void abiV2OffsetsMayStartAnywhereAndAreRebasedForArrow() {
    int[] offsets = {5, 6, 6, 9};
    try (OffHeapMemory memory = new OffHeapMemory(new MemoryLimits(1, 1), 1);
        BufferAllocator allocator = new RootAllocator();
        VarCharVector vector = new VarCharVector("s", allocator)) {
      int data = write(memory, offsets);
      memory.write(data, "01234xyzw!".getBytes(StandardCharsets.UTF_8));
      DecoderOutput out = new DecoderOutput(PhysicalLayout.VARIABLE, true, 2, Integer.MAX_VALUE);
      out.check(memory, DESCRIPTOR, 0, 3, allocator);
      assertEquals(out.rebased.memoryAddress(), out.values, "offsets rebased out of the memory");
      assertEquals(memory.address() + data + 5, out.data, "data from the first row's first byte");
      assertEquals(4, out.dataBytes);
      ArrowLoader.load(vector, PhysicalLayout.VARIABLE, out, 3, memory);
      assertEquals(null, out.rebased, "taken over by the vector");
      assertEquals(List.of(0, 1, 1, 4), List.of(vector.getOffsetBuffer().getInt(0), vector.getOffsetBuffer().getInt(4),
          vector.getOffsetBuffer().getInt(8), vector.getOffsetBuffer().getInt(12)), "Arrow gets offsets from 0");
      assertEquals(List.of("x", "", "yzw"), List.of(vector.getObject(0).toString(),
          vector.getObject(1).toString(), vector.getObject(2).toString()));

      InvalidOutputException v1 = assertThrows(InvalidOutputException.class,
          () -> new DecoderOutput(PhysicalLayout.VARIABLE, true, 1, Integer.MAX_VALUE)
              .check(memory, DESCRIPTOR, 0, 3, allocator));
      assertEquals("offsets[0] is 5, it must be 0 (decoder ABI v1)", v1.getMessage());
    }
  }

  /** The allocator's close at the end fails the test if a failed check kept its rebased offsets. */
  @Test
  void abiV2ChecksUtf8OfTheRowsOnly() {
    byte[] bytes = {(byte) 0xFF, (byte) 0x80, 'a', (byte) 0xC3, (byte) 0xA9, 'b'}; // "é" at 3..4
    try (BufferAllocator allocator = new RootAllocator()) {
      for (boolean nulls : new boolean[] {false, true}) {
        assertEquals(4, checkV2(allocator, bytes, new int[] {2, 3, 5, 6}, nulls).dataBytes,
            "bytes before offsets[0] are not a value");
        InvalidOutputException e = assertThrows(InvalidOutputException.class,
            () -> checkV2(allocator, bytes, new int[] {1, 3, 5, 6}, nulls));
        assertTrue(e.getMessage().startsWith("row 0 is not valid UTF-8"), e.getMessage());
        e = assertThrows(InvalidOutputException.class, () -> checkV2(allocator, bytes, new int[] {2, 4, 5, 6}, nulls));
        assertTrue(e.getMessage().startsWith("row 0 is not valid UTF-8"), e.getMessage()); // ends inside "é"
      }
      InvalidOutputException negative = assertThrows(InvalidOutputException.class,
          () -> checkV2(allocator, bytes, new int[] {-1, 3, 5, 6}, false));
      assertEquals("offsets[0] is -1, it must be at least 0", negative.getMessage());
    }
  }

  /** Three rows over the given bytes under ABI v2; with nulls, a validity bitmap of all ones. */
  private static DecoderOutput checkV2(BufferAllocator allocator, byte[] bytes, int[] offsets, boolean nulls) {
    try (OffHeapMemory memory = new OffHeapMemory(new MemoryLimits(1, 1), 1)) {
      int data = write(memory, offsets);
      memory.write(data, bytes);
      if (nulls) { // null_count 0 with a bitmap: the per-row UTF-8 path
        int bitmap = data + 64;
        memory.writeByte(bitmap, (byte) 0b111);
        memory.writeI32(TABLE, bitmap);
      }
      DecoderOutput out = new DecoderOutput(PhysicalLayout.VARIABLE, true, 2, Integer.MAX_VALUE);
      out.check(memory, DESCRIPTOR, 0, offsets.length - 1, allocator);
      out.rebased.getReferenceManager().release(); // offsets[0] is never 0 here
      return out;
    }
  }

  /** Under ABI v2 the offsets start at 7 here, and the check runs in the loop that rebases them. */
  @Test
  void aDecreaseAnywhereIsFoundAndNamed() {
    for (int abi = 1; abi <= 2; abi++) {
      for (int n = 1; n <= 12; n++) {
        for (int at = 1; at <= n; at++) {
          int[] offsets = rising(n, abi == 1 ? 0 : 7);
          offsets[at] = offsets[at - 1] - 1;
          int[] bad = offsets.clone();
          int row = at - 1;
          int version = abi;
          InvalidOutputException e = assertThrows(InvalidOutputException.class, () -> check(bad, version),
              () -> Arrays.toString(bad));
          assertEquals("offsets decrease at row " + row + ": " + bad[row] + " then " + bad[row + 1], e.getMessage());
        }
      }
    }
  }

  @Test
  void aNegativeOffsetAnywhereIsFound() {
    for (int abi = 1; abi <= 2; abi++) {
      for (int n = 1; n <= 12; n++) {
        for (int at = 1; at <= n; at++) {
          int[] offsets = rising(n, abi == 1 ? 0 : 7);
          // MIN_VALUE - previous overflows to a positive int: the sign of the offset itself must count
          offsets[at] = Integer.MIN_VALUE;
          int[] bad = offsets.clone();
          int version = abi;
          assertThrows(InvalidOutputException.class, () -> check(bad, version), () -> Arrays.toString(bad));
        }
      }
    }
    // -2 - MAX_VALUE overflows to MAX_VALUE: only the sign of -2 tells
    int[] wraps = {0, 1, Integer.MAX_VALUE, -2, 0};
    assertThrows(InvalidOutputException.class, () -> check(wraps));
  }

  private static int[] rising(int n, int start) {
    int[] offsets = new int[n + 1];
    offsets[0] = start;
    for (int i = 1; i <= n; i++) {
      offsets[i] = start + 2 * i + 1;
    }
    return offsets;
  }

  private static DecoderOutput check(int[] offsets) {
    return check(offsets, 1);
  }

  /** A VARIABLE utf8 output without nulls: the given offsets over ASCII data. */
  /**
   * The allocator is closed in a finally, not by try-with-resources: if a failed check kept its
   * rebased offsets, the leak error replaces the expected one instead of hiding as suppressed.
   */
  private static DecoderOutput check(int[] offsets, int abiVersion) {
    int n = offsets.length - 1;
    BufferAllocator allocator = new RootAllocator();
    try (OffHeapMemory memory = new OffHeapMemory(new MemoryLimits(1, 1), 1)) {
      int data = write(memory, offsets);
      memory.fill((byte) 'a', data, Memory.PAGE_SIZE);
      DecoderOutput out = new DecoderOutput(PhysicalLayout.VARIABLE, true, abiVersion, Integer.MAX_VALUE);
      out.check(memory, DESCRIPTOR, 0, n, allocator);
      if (out.rebased != null) {
        out.rebased.getReferenceManager().release();
      }
      return out;
    } finally {
      allocator.close();
    }
  }

  /** Writes a descriptor of offsets.length - 1 rows with these offsets; returns the data's address. */
  private static int write(OffHeapMemory memory, int[] offsets) {
    int n = offsets.length - 1;
    int data = OFFSETS + 4 * (n + 1);
    memory.writeLong(DESCRIPTOR, n); // length
    memory.writeLong(DESCRIPTOR + 8, 0); // null_count
    memory.writeLong(DESCRIPTOR + 16, 0); // offset
    memory.writeLong(DESCRIPTOR + 24, PhysicalLayout.VARIABLE.bufferCount()); // n_buffers
    memory.writeLong(DESCRIPTOR + 32, 0); // n_children
    memory.writeI32(DESCRIPTOR + 40, TABLE);
    memory.writeI32(TABLE, 0); // no validity bitmap
    memory.writeI32(TABLE + 4, OFFSETS);
    memory.writeI32(TABLE + 8, data);
    for (int i = 0; i <= n; i++) {
      memory.writeI32(OFFSETS + 4 * i, offsets[i]);
    }
    return data;
  }
}
