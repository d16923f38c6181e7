package dev.capsule.reader.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.reader.wasm.DecoderOutput.InvalidOutputException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The host's check of a VARIABLE output's offsets, on descriptors written by hand: a decrease or a
 * negative offset is caught at every position, the first and the last included, for every row
 * count, and named by its row.
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
  void aDecreaseAnywhereIsFoundAndNamed() {
    for (int n = 1; n <= 9; n++) {
      for (int at = 1; at <= n; at++) {
        int[] offsets = rising(n);
        offsets[at] = offsets[at - 1] - 1;
        int[] bad = offsets.clone();
        int row = at - 1;
        InvalidOutputException e = assertThrows(InvalidOutputException.class, () -> check(bad),
            () -> Arrays.toString(bad));
        assertEquals("offsets decrease at row " + row + ": " + bad[row] + " then " + bad[row + 1], e.getMessage());
      }
    }
  }

  @Test
  void aNegativeOffsetAnywhereIsFound() {
    for (int n = 1; n <= 9; n++) {
      for (int at = 1; at <= n; at++) {
        int[] offsets = rising(n);
        // MIN_VALUE - previous overflows to a positive int: the sign of the offset itself must count
        offsets[at] = Integer.MIN_VALUE;
        int[] bad = offsets.clone();
        assertThrows(InvalidOutputException.class, () -> check(bad), () -> Arrays.toString(bad));
      }
    }
    // -2 - MAX_VALUE overflows to MAX_VALUE: only the sign of -2 tells
    int[] wraps = {0, 1, Integer.MAX_VALUE, -2, 0};
    assertThrows(InvalidOutputException.class, () -> check(wraps));
  }

  private static int[] rising(int n) {
    int[] offsets = new int[n + 1];
    for (int i = 1; i <= n; i++) {
      offsets[i] = 2 * i + 1;
    }
    return offsets;
  }

  /** A VARIABLE utf8 output without nulls: the given offsets over ASCII data. */
  private static DecoderOutput check(int[] offsets) {
    int n = offsets.length - 1;
    try (OffHeapMemory memory = new OffHeapMemory(new MemoryLimits(1, 1), 1)) {
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
      memory.fill((byte) 'a', data, Memory.PAGE_SIZE);
      DecoderOutput out = new DecoderOutput(PhysicalLayout.VARIABLE, true);
      out.check(memory, DESCRIPTOR, 0, n);
      return out;
    }
  }
}
