package dev.capsule.reader.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.reader.wasm.DecoderOutput.InvalidOutputException;
import dev.capsule.reader.wasm.DecoderOutput.OutputTooLargeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

/**
 * ABI v3's dictionary and run-end forms (SPEC 8.7), on descriptors written by hand: expanded into
 * Arrow rows, and every broken rule refused with its reason. Each test's allocator is closed at the
 * end, so a check that fails but keeps a buffer fails the test.
 */
class EncodedFormsTest {
  private static final String MIDDLE = "twenty-five bytes: ünï";
  private static final String LONG = "more than thirty-two bytes, and ünïcödé";
  private static final List<String> ENTRIES = List.of("", "héllo", "a", LONG);

  @Test
  void dictionaryFormIsGatheredIntoArrowRows() {
    int[] indices = {1, 3, 0, 2, 3, 1, 1};
    boolean[] valid = {true, true, true, false, true, true, true};
    for (boolean atMemoryEnd : new boolean[] {false, true}) { // word copies, or exact ones at the end
      List<String> rows = withAllocator(allocator -> {
        Layout m = new Layout();
        int dictionary = m.variable(ENTRIES, 3, atMemoryEnd);
        int descriptor = m.descriptor(indices.length, 1, 2, 0, m.table(m.bitmap(valid), m.ints(indices)), 0, dictionary);
        return load(m, descriptor, indices.length, allocator);
      });
      assertEquals(Arrays.asList("héllo", LONG, "", null, LONG, "héllo", "héllo"), rows, "at memory end: " + atMemoryEnd);
    }
  }

  @Test
  void runEndFormIsRepeatedIntoArrowRows() {
    for (boolean atMemoryEnd : new boolean[] {false, true}) {
      List<String> rows = withAllocator(allocator -> {
        Layout m = new Layout();
        // Values of up to 16 bytes, up to 32 and more are copied three ways.
        int values = m.variable(List.of("ab", "", MIDDLE, LONG), 0, atMemoryEnd);
        int descriptor = m.runEnds(9, new int[] {2, 3, 5, 9}, values);
        return load(m, descriptor, 9, allocator);
      });
      assertEquals(List.of("ab", "ab", "", MIDDLE, MIDDLE, LONG, LONG, LONG, LONG), rows, "at memory end: " + atMemoryEnd);
    }
  }

  @Test
  void indicesMustBeBelowTheDictionarySize() {
    for (int bad : new int[] {4, -1, Integer.MIN_VALUE}) {
      String message = failure(m -> m.descriptor(3, 0, 2, 0, m.table(0, m.ints(new int[] {0, bad, 1})), 0,
          m.variable(ENTRIES, 0, false)), 3);
      assertEquals("row 1 has dictionary index " + Integer.toUnsignedString(bad) + ", the dictionary has 4 entries",
          message);
    }
  }

  @Test
  void everyDictionaryEntryMustBeUtf8() {
    String message = failure(m -> {
      int dictionary = m.variable(List.of("ok", "b\u00e9d"), 0, false);
      m.memory.writeByte(m.dataOf(dictionary) + 3, (byte) 0xFF); // inside the unused entry 1
      return m.descriptor(1, 0, 2, 0, m.table(0, m.ints(new int[] {0})), 0, dictionary);
    }, 1);
    assertEquals("the dictionary: entry 1 is not valid UTF-8", message);
  }

  @Test
  void childrenMustBePlainArraysWithoutNulls() {
    String message = failure(m -> {
      int dictionary = m.variable(ENTRIES, 0, false);
      m.memory.writeI32(m.memory.readInt(dictionary + 40), 8); // a validity bitmap
      return m.descriptor(1, 0, 2, 0, m.table(0, m.ints(new int[] {0})), 0, dictionary);
    }, 1);
    assertEquals("the dictionary has a validity bitmap; it must have none", message);
    message = failure(m -> {
      int dictionary = m.variable(ENTRIES, 0, false);
      m.memory.writeLong(dictionary + 8, 1); // null_count
      return m.descriptor(1, 0, 2, 0, m.table(0, m.ints(new int[] {0})), 0, dictionary);
    }, 1);
    assertEquals("the dictionary must have null_count, offset and n_children 0 and no children or dictionary", message);
    message = failure(m -> {
      int dictionary = m.variable(List.of("a", "b", "c"), 0, false);
      int offsets = m.memory.readInt(m.memory.readInt(dictionary + 40) + 4);
      m.memory.writeI32(offsets + 8, 0); // offsets 0 1 0 3
      return m.descriptor(1, 0, 2, 0, m.table(0, m.ints(new int[] {0})), 0, dictionary);
    }, 1);
    assertEquals("the dictionary's offsets decrease at entry 1: 1 then 0", message);
  }

  @Test
  void runEndsMustIncreaseUpToTheRowCount() {
    assertEquals("run end 1 is 2, after 2; run ends must increase up to the 5 rows",
        failure(m -> m.runEnds(5, new int[] {2, 2, 5}, m.variable(List.of("a", "b", "c"), 0, false)), 5));
    assertEquals("run end 0 is 0, after 0; run ends must increase up to the 5 rows",
        failure(m -> m.runEnds(5, new int[] {0, 5}, m.variable(List.of("a", "b"), 0, false)), 5));
    assertEquals("run end 1 is 6, after 2; run ends must increase up to the 5 rows",
        failure(m -> m.runEnds(5, new int[] {2, 6}, m.variable(List.of("a", "b"), 0, false)), 5));
    assertEquals("the last run ends at row 4 of 5 (2 runs)",
        failure(m -> m.runEnds(5, new int[] {2, 4}, m.variable(List.of("a", "b"), 0, false)), 5));
    assertEquals("the run ends have 2 entries, the run values 3",
        failure(m -> m.runEnds(5, new int[] {2, 5}, m.variable(List.of("a", "b", "c"), 0, false)), 5));
  }

  /**
   * A few bytes of runs or indices can stand for gigabytes of rows: the expanded size is bounded
   * before anything is allocated, by the bound given (the reader's memory cap) and by Arrow's offsets.
   */
  @Test
  void anExpansionIsBoundedBeforeItIsMade() {
    String value = "v".repeat(10_000);
    assertEquals("rows 0 + 300000 expand to 3000000000 bytes of values, more than the 2147483647 a batch may expand"
        + " to (the decoder memory cap, at most 2^31 - 1); request fewer rows per batch",
        failure(OutputTooLargeException.class, Long.MAX_VALUE,
            m -> m.runEnds(300_000, new int[] {300_000}, m.variable(List.of(value), 0, false)), 300_000));

    int[] indices = {1, 3, 0, 2, 3, 1, 1};
    long bytes = Arrays.stream(indices).map(i -> ENTRIES.get(i).getBytes(StandardCharsets.UTF_8).length).sum();
    Writer gather = m -> m.descriptor(indices.length, 0, 2, 0, m.table(0, m.ints(indices)), 0, m.variable(ENTRIES, 0, false));
    assertEquals("rows 0 + 7 expand to " + bytes + " bytes of values, more than the " + (bytes - 1) + " a batch may"
        + " expand to (the decoder memory cap, at most 2^31 - 1); request fewer rows per batch",
        failure(OutputTooLargeException.class, bytes - 1, gather, indices.length));
    List<String> rows = withAllocator(allocator -> {
      Layout m = new Layout();
      return load(m, gather.descriptor(m), indices.length, bytes, allocator);
    });
    assertEquals(Arrays.asList("héllo", LONG, "", "a", LONG, "héllo", "héllo"), rows, "exactly at the bound");
  }

  @Test
  void encodedFormsNeedAbiV3AndTheVariableLayout() {
    withAllocator(allocator -> {
      Layout m = new Layout();
      int descriptor = m.descriptor(1, 0, 2, 0, m.table(0, m.ints(new int[] {0})), 0, m.variable(ENTRIES, 0, false));
      InvalidOutputException e = assertThrows(InvalidOutputException.class,
          () -> new DecoderOutput(PhysicalLayout.VARIABLE, true, 2, Integer.MAX_VALUE)
              .check(m.memory, descriptor, 0, 1, allocator));
      assertEquals("has a dictionary; decoders must output plain values before decoder ABI v3", e.getMessage());
      e = assertThrows(InvalidOutputException.class,
          () -> new DecoderOutput(PhysicalLayout.FIXED4, false, 3, Integer.MAX_VALUE)
              .check(m.memory, descriptor, 0, 1, allocator));
      assertEquals("has a dictionary; decoders must output plain values for layout FIXED4", e.getMessage());
      int runs = m.runEnds(1, new int[] {1}, m.variable(ENTRIES.subList(0, 1), 0, false));
      e = assertThrows(InvalidOutputException.class,
          () -> new DecoderOutput(PhysicalLayout.VARIABLE, true, 2, Integer.MAX_VALUE)
              .check(m.memory, runs, 0, 1, allocator));
      assertEquals("has children (n_children 2, children at " + m.memory.readInt(runs + 44) + "); layout VARIABLE has none",
          e.getMessage());
      return null;
    });
  }

  /**
   * Random damage to either form, anywhere in what the decoder wrote (descriptors, buffer tables,
   * children, offsets, indices, run ends, data): the check either refuses it or yields rows that
   * Arrow can read. Nothing else may happen: no other exception, no crash, no leak.
   */
  @Test
  void damagedOutputIsRefusedOrReadsBackCleanly() {
    Random random = new Random(42);
    int refused = 0;
    for (int round = 0; round < 4000; round++) {
      boolean dictionaryForm = round % 2 == 0;
      int flips = 1 + random.nextInt(3);
      long seed = random.nextLong();
      String outcome = withAllocator(allocator -> {
        Layout m = new Layout();
        int descriptor = dictionaryForm
            ? m.descriptor(7, 0, 2, 0, m.table(0, m.ints(new int[] {1, 3, 0, 2, 3, 1, 1})), 0, m.variable(ENTRIES, 3, false))
            : m.runEnds(9, new int[] {2, 3, 5, 9}, m.variable(List.of("ab", "", MIDDLE, LONG), 0, false));
        Random damage = new Random(seed);
        for (int f = 0; f < flips; f++) {
          int at = 64 + damage.nextInt(m.top - 64);
          int kind = damage.nextInt(3);
          if (kind == 0) {
            m.memory.writeByte(at, (byte) (1 << damage.nextInt(8) ^ m.memory.read(at)));
          } else if (kind == 1) {
            m.memory.writeByte(at, (byte) damage.nextInt(256));
          } else {
            m.memory.writeI32(at & ~3, new int[] {0, -1, Integer.MIN_VALUE, 1 << 16, m.top, 7}[damage.nextInt(6)]);
          }
        }
        int rows = dictionaryForm ? 7 : 9;
        try (VarCharVector vector = new VarCharVector("s", allocator)) {
          DecoderOutput out = new DecoderOutput(PhysicalLayout.VARIABLE, true, 3, Integer.MAX_VALUE);
          out.check(m.memory, descriptor, 0, rows, allocator);
          ArrowLoader.load(vector, PhysicalLayout.VARIABLE, out, rows, m.memory);
          for (int i = 0; i < rows; i++) {
            if (!vector.isNull(i)) {
              vector.getObject(i).toString();
            }
          }
          return "read";
        } catch (InvalidOutputException e) {
          return "refused";
        } finally {
          m.memory.close();
        }
      });
      refused += outcome.equals("refused") ? 1 : 0;
    }
    // Most damage must be caught; some lands in bytes that do not matter (data, unused entries).
    assertTrue(refused > 1000, "refused " + refused + " of 4000");
  }

  // ---- helpers ----

  private interface WithAllocator<T> {
    T run(BufferAllocator allocator);
  }

  /** Runs body, then closes the allocator: a leaked buffer fails the test (not hidden as suppressed). */
  private static <T> T withAllocator(WithAllocator<T> body) {
    BufferAllocator allocator = new RootAllocator();
    try {
      return body.run(allocator);
    } finally {
      allocator.close();
    }
  }

  /** Checks the descriptor under ABI v3 and loads it into a utf8 vector; returns the rows. */
  private static List<String> load(Layout m, int descriptor, int rowCount, BufferAllocator allocator) {
    return load(m, descriptor, rowCount, Integer.MAX_VALUE, allocator);
  }

  private static List<String> load(Layout m, int descriptor, int rowCount, long maxExpandedBytes,
      BufferAllocator allocator) {
    try (VarCharVector vector = new VarCharVector("s", allocator)) {
      DecoderOutput out = new DecoderOutput(PhysicalLayout.VARIABLE, true, 3, maxExpandedBytes);
      out.check(m.memory, descriptor, 0, rowCount, allocator);
      ArrowLoader.load(vector, PhysicalLayout.VARIABLE, out, rowCount, m.memory);
      assertNull(out.expanded, "taken over by the vector");
      assertEquals(0, vector.getOffsetBuffer().getInt(0), "Arrow gets offsets from 0");
      List<String> rows = new ArrayList<>();
      for (int i = 0; i < rowCount; i++) {
        rows.add(vector.isNull(i) ? null : vector.getObject(i).toString());
      }
      return rows;
    } finally {
      m.memory.close();
    }
  }

  private interface Writer {
    int descriptor(Layout m);
  }

  /** The message of the check of the descriptor written, under ABI v3. */
  private static String failure(Writer writer, int rowCount) {
    return failure(InvalidOutputException.class, Integer.MAX_VALUE, writer, rowCount);
  }

  private static String failure(Class<? extends RuntimeException> type, long maxExpandedBytes, Writer writer,
      int rowCount) {
    return withAllocator(allocator -> {
      Layout m = new Layout();
      try {
        int descriptor = writer.descriptor(m);
        DecoderOutput out = new DecoderOutput(PhysicalLayout.VARIABLE, true, 3, maxExpandedBytes);
        return assertThrows(type, () -> out.check(m.memory, descriptor, 0, rowCount, allocator)).getMessage();
      } finally {
        m.memory.close();
      }
    });
  }

  /** Writes arrays into a one-page memory, bump-allocated from address 64 up. */
  private static final class Layout {
    final OffHeapMemory memory = new OffHeapMemory(new MemoryLimits(1, 1), 1);
    int top = 64;

    private int reserve(int bytes) {
      int at = top;
      top = (top + bytes + 7) & ~7;
      return at;
    }

    int ints(int[] values) {
      int at = reserve(4 * values.length);
      for (int i = 0; i < values.length; i++) {
        memory.writeI32(at + 4 * i, values[i]);
      }
      return at;
    }

    int bitmap(boolean[] valid) {
      byte[] bytes = new byte[(valid.length + 7) / 8];
      for (int i = 0; i < valid.length; i++) {
        bytes[i / 8] |= (byte) (valid[i] ? 1 << (i % 8) : 0);
      }
      int at = reserve(bytes.length);
      memory.write(at, bytes);
      return at;
    }

    int table(int... buffers) {
      return ints(buffers);
    }

    int descriptor(long length, long nulls, long nBuffers, long nChildren, int buffers, int children, int dictionary) {
      int at = reserve(DecoderOutput.DESCRIPTOR_BYTES);
      memory.writeLong(at, length);
      memory.writeLong(at + 8, nulls);
      memory.writeLong(at + 16, 0);
      memory.writeLong(at + 24, nBuffers);
      memory.writeLong(at + 32, nChildren);
      memory.writeI32(at + 40, buffers);
      memory.writeI32(at + 44, children);
      memory.writeI32(at + 48, dictionary);
      return at;
    }

    /**
     * A child VARIABLE array of these values, its data after skip bytes that belong to no value (the
     * offsets start at skip); atMemoryEnd puts the data's last byte at the memory's last byte.
     */
    int variable(List<String> values, int skip, boolean atMemoryEnd) {
      int[] offsets = new int[values.size() + 1];
      offsets[0] = skip;
      List<byte[]> bytes = new ArrayList<>();
      int size = skip;
      for (int k = 0; k < values.size(); k++) {
        bytes.add(values.get(k).getBytes(StandardCharsets.UTF_8));
        size += bytes.get(k).length;
        offsets[k + 1] = size;
      }
      int data = atMemoryEnd ? Memory.PAGE_SIZE - size : reserve(size);
      int at = data + skip;
      for (byte[] value : bytes) {
        memory.write(at, value);
        at += value.length;
      }
      return descriptor(values.size(), 0, 3, 0, table(0, ints(offsets), data), 0, 0);
    }

    /** The data pointer of the VARIABLE child at descriptor. */
    int dataOf(int descriptor) {
      return memory.readInt(memory.readInt(descriptor + 40) + 8);
    }

    /** A run-end form of rowCount rows without nulls over these ends and values. */
    int runEnds(int rowCount, int[] ends, int values) {
      int endsChild = descriptor(ends.length, 0, 2, 0, table(0, ints(ends)), 0, 0);
      int children = ints(new int[] {endsChild, values});
      return descriptor(rowCount, 0, 1, 2, table(0), children, 0);
    }
  }
}
