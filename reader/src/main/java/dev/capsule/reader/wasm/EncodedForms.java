package dev.capsule.reader.wasm;

import static dev.capsule.reader.wasm.DecoderOutput.invalid;

import dev.capsule.reader.wasm.DecoderOutput.OutputTooLargeException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * ABI v3 (SPEC 8.7): VARIABLE output in dictionary or run-end form, checked and expanded here into
 * plain Arrow buffers, offsets from 0 and data. Both forms are Arrow's own layouts, so the host still
 * knows no encoding; what it gains is that a decoder hands over its dictionary or its runs as they
 * lie in the chunk, and the per-row work (a gather, or repeating run values) runs as Java compiled by
 * the JIT instead of wasm, whose every load and store the sandbox checks.
 *
 * <p>Every buffer is checked before it is read: children in bounds, their offsets never decreasing,
 * their values UTF-8 for utf8 columns (every entry, used or not), indices below the dictionary's
 * size, run ends strictly increasing up to the row count. The expanded size is bounded before
 * anything is allocated for the data. The second pass of each expansion reads indices and run ends
 * again: nothing runs in the decoder's memory between the passes, so they are the ones checked.
 */
final class EncodedForms {
  /**
   * Copies of values are made with 8-byte words when this many bytes past a child's data can be
   * read; each copy may then write up to this many bytes past the value, which the next value
   * overwrites, and the expanded data buffer has this many spare bytes.
   */
  private static final int SLACK = 32;

  private EncodedForms() {}

  /** The buffers an expansion made; the caller owns both. */
  record Expanded(ArrowBuf offsets, ArrowBuf data, long dataBytes) {}

  /**
   * A checked plain VARIABLE child without nulls: count values whose offsets (at an absolute address)
   * index data as they are; wide when SLACK bytes past the data can be read, for word copies.
   */
  private record Values(long offsets, int count, long data, boolean wide) {
    /** Where value i starts in data; value i ends where value i + 1 starts. */
    int start(int i) {
      return MemoryUtil.getInt(offsets + 4L * i);
    }
  }

  /**
   * Dictionary form: buffers [validity, indices], one i32 index per row into the dictionary, a
   * descriptor of its own. Returns the rows' values.
   */
  static Expanded dictionary(OffHeapMemory memory, long table, int dictionary, int firstRow, int rowCount,
      boolean utf8, long maxBytes, BufferAllocator allocator) {
    long base = memory.address();
    long size = memory.byteSize();
    Values entries = values(base, size, child(base, size, dictionary, 3, "the dictionary"), utf8, "entry");
    long indices = base + DecoderOutput.inside(size, MemoryUtil.getInt(table + 4), 4L * rowCount, "the indices buffer");
    ArrowBuf offsets = allocator.buffer(4L * (rowCount + 1));
    ArrowBuf data = null;
    try {
      // Pass 1: check each index before it is used, and write the offsets.
      long to = offsets.memoryAddress();
      int d = entries.count;
      long total = 0;
      MemoryUtil.putInt(to, 0);
      for (int i = 0; i < rowCount; i++) {
        int index = MemoryUtil.getInt(indices + 4L * i);
        if (Integer.compareUnsigned(index, d) >= 0) {
          throw invalid("row " + (firstRow + (long) i) + " has dictionary index " + Integer.toUnsignedString(index)
              + ", the dictionary has " + d + " entries");
        }
        total += entries.start(index + 1) - entries.start(index);
        MemoryUtil.putInt(to + 4L * (i + 1), (int) total);
      }
      checkSize(total, maxBytes, firstRow, rowCount);
      // Pass 2: copy the values.
      data = allocator.buffer(total + SLACK);
      long out = data.memoryAddress();
      for (int i = 0; i < rowCount; i++) {
        int index = MemoryUtil.getInt(indices + 4L * i);
        int at = MemoryUtil.getInt(to + 4L * i);
        copy(entries.data + entries.start(index), out + at, MemoryUtil.getInt(to + 4L * (i + 1)) - at, entries.wide);
      }
      return new Expanded(offsets, data, total);
    } catch (RuntimeException e) {
      release(offsets, data);
      throw e;
    }
  }

  /**
   * Run-end form: buffers [validity] and two children, the run ends (i32, strictly increasing, the
   * last equal to the row count) and the runs' values. Returns the rows' values.
   */
  static Expanded runEnds(OffHeapMemory memory, int children, int firstRow, int rowCount, boolean utf8,
      long maxBytes, BufferAllocator allocator) {
    long base = memory.address();
    long size = memory.byteSize();
    long pointers = base + DecoderOutput.inside(size, children, 8, "the children array");
    Child endsChild = child(base, size, MemoryUtil.getInt(pointers), 2, "the run ends");
    int runs = endsChild.length;
    Values values = values(base, size, child(base, size, MemoryUtil.getInt(pointers + 4), 3, "the run values"), utf8,
        "run");
    if (values.count != runs) {
      throw invalid("the run ends have " + runs + " entries, the run values " + values.count);
    }
    long ends = base + DecoderOutput.inside(size, MemoryUtil.getInt(endsChild.table + 4), 4L * runs,
        "the run ends' values");
    // Runs are checked, and the data sized, before anything is allocated: O(runs).
    long total = 0;
    int previous = 0;
    for (int k = 0; k < runs; k++) {
      int end = MemoryUtil.getInt(ends + 4L * k);
      if (end <= previous || end > rowCount) {
        throw invalid("run end " + k + " is " + end + ", after " + previous + "; run ends must increase up to the "
            + rowCount + " rows");
      }
      total += (long) (end - previous) * (values.start(k + 1) - values.start(k));
      previous = end;
    }
    if (previous != rowCount) {
      throw invalid("the last run ends at row " + previous + " of " + rowCount + " (" + runs + " runs)");
    }
    checkSize(total, maxBytes, firstRow, rowCount);
    ArrowBuf offsets = allocator.buffer(4L * (rowCount + 1));
    ArrowBuf data = null;
    try {
      data = allocator.buffer(total + SLACK);
      long to = offsets.memoryAddress();
      long out = data.memoryAddress();
      int at = 0;
      int row = 0;
      MemoryUtil.putInt(to, 0);
      for (int k = 0; k < runs; k++) {
        int end = MemoryUtil.getInt(ends + 4L * k);
        int start = values.start(k);
        int length = values.start(k + 1) - start;
        long from = values.data + start;
        // A short value is loaded once per run, as two words or four, and stored per row.
        if (values.wide && length <= 16) {
          long w0 = MemoryUtil.getLong(from);
          long w1 = MemoryUtil.getLong(from + 8);
          for (; row < end; row++) {
            MemoryUtil.putLong(out + at, w0);
            MemoryUtil.putLong(out + at + 8, w1);
            at += length;
            MemoryUtil.putInt(to + 4L * (row + 1), at);
          }
        } else if (values.wide && length <= SLACK) {
          long w0 = MemoryUtil.getLong(from);
          long w1 = MemoryUtil.getLong(from + 8);
          long w2 = MemoryUtil.getLong(from + 16);
          long w3 = MemoryUtil.getLong(from + 24);
          for (; row < end; row++) {
            MemoryUtil.putLong(out + at, w0);
            MemoryUtil.putLong(out + at + 8, w1);
            MemoryUtil.putLong(out + at + 16, w2);
            MemoryUtil.putLong(out + at + 24, w3);
            at += length;
            MemoryUtil.putInt(to + 4L * (row + 1), at);
          }
        } else {
          for (; row < end; row++) {
            copy(from, out + at, length, values.wide);
            at += length;
            MemoryUtil.putInt(to + 4L * (row + 1), at);
          }
        }
      }
      return new Expanded(offsets, data, total);
    } catch (RuntimeException e) {
      release(offsets, data);
      throw e;
    }
  }

  /** Releases what an expansion that failed had allocated; data may not exist yet. */
  private static void release(ArrowBuf offsets, ArrowBuf data) {
    offsets.getReferenceManager().release();
    if (data != null) {
      data.getReferenceManager().release();
    }
  }

  /** A child descriptor's length and the address of its buffer table; what names it in messages. */
  private record Child(long table, int length, String what) {}

  /**
   * The child descriptor at pointer, after checking that it is a plain array of nBuffers buffers
   * without nulls, validity bitmap, offset, children or dictionary.
   */
  private static Child child(long base, long size, int pointer, int nBuffers, String what) {
    long d = base + DecoderOutput.inside(size, pointer, DecoderOutput.DESCRIPTOR_BYTES, what + "'s descriptor");
    long length = MemoryUtil.getLong(d);
    if (length < 0 || length >= Integer.MAX_VALUE) {
      throw invalid(what + " has length " + length);
    }
    if (MemoryUtil.getLong(d + 8) != 0 || MemoryUtil.getLong(d + 16) != 0 || MemoryUtil.getLong(d + 32) != 0
        || MemoryUtil.getInt(d + 44) != 0 || MemoryUtil.getInt(d + 48) != 0) {
      throw invalid(what + " must have null_count, offset and n_children 0 and no children or dictionary");
    }
    if (MemoryUtil.getLong(d + 24) != nBuffers) {
      throw invalid(what + " has n_buffers " + MemoryUtil.getLong(d + 24) + ", it must be " + nBuffers);
    }
    long table = base + DecoderOutput.inside(size, MemoryUtil.getInt(d + 40), 4L * nBuffers, what + "'s buffer table");
    if (MemoryUtil.getInt(table) != 0) {
      throw invalid(what + " has a validity bitmap; it must have none");
    }
    return new Child(table, (int) length, what);
  }

  /** The VARIABLE child's values, checked; unit names one of them in messages. */
  private static Values values(long base, long size, Child child, boolean utf8, String unit) {
    long table = child.table;
    int count = child.length;
    String what = child.what;
    long offsets = base + DecoderOutput.inside(size, MemoryUtil.getInt(table + 4), 4L * (count + 1), what + "'s offsets");
    int first = MemoryUtil.getInt(offsets);
    if (first < 0) {
      throw invalid(what + "'s offsets[0] is " + first + ", it must be at least 0");
    }
    int end = (int) DecoderOutput.checkOffsets(offsets, offsets, count, what + "'s offsets decrease at " + unit + " ", 0);
    long dataOffset = DecoderOutput.inside(size, MemoryUtil.getInt(table + 8), end, what + "'s data");
    long data = base + dataOffset;
    if (utf8) {
      int bad = badUtf8(offsets, count, data, first, end);
      if (bad >= 0) {
        throw invalid(what + ": " + unit + " " + bad + " is not valid UTF-8");
      }
    }
    return new Values(offsets, count, data, dataOffset + end + SLACK <= size);
  }

  /**
   * The first of count values that is not well-formed UTF-8, or -1: all of their bytes, [first, end)
   * of data, must be, and no value may start inside a character.
   */
  private static int badUtf8(long offsets, int count, long data, int first, int end) {
    long bad = Utf8.check(data + first, end - first);
    if (bad >= 0) {
      return DecoderOutput.indexHolding(offsets, count, first + bad);
    }
    if (bad == Utf8.VALID) {
      for (int i = 1; i < count; i++) {
        int start = MemoryUtil.getInt(offsets + 4L * i);
        if (start < end && (MemoryUtil.getByte(data + start) & 0xC0) == 0x80) {
          return i - 1;
        }
      }
    }
    return -1;
  }

  private static void checkSize(long total, long maxBytes, int firstRow, int rowCount) {
    long limit = Math.min(maxBytes, Integer.MAX_VALUE); // Arrow's offsets are i32
    if (total > limit) {
      throw new OutputTooLargeException("rows " + firstRow + " + " + rowCount + " expand to " + total
          + " bytes of values, more than the " + limit + " a batch may expand to (the decoder memory cap,"
          + " at most 2^31 - 1); request fewer rows per batch");
    }
  }

  /** Copies length bytes; wide: in 8-byte words, reading and writing up to SLACK bytes past them. */
  private static void copy(long from, long to, int length, boolean wide) {
    if (wide) {
      MemoryUtil.putLong(to, MemoryUtil.getLong(from));
      MemoryUtil.putLong(to + 8, MemoryUtil.getLong(from + 8));
      for (int k = 16; k < length; k += 8) {
        MemoryUtil.putLong(to + k, MemoryUtil.getLong(from + k));
      }
    } else {
      MemoryUtil.copyMemory(from, to, length);
    }
  }
}
