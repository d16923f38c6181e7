package dev.capsule.reader.wasm;

import dev.capsule.format.PhysicalLayout;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * What one capsule_decode produced, checked against the ABI before anything reaches Arrow: the
 * descriptor's fields, every buffer inside the wasm memory, offsets never decreasing (and starting
 * at 0 under ABI v1), UTF-8 for utf8 columns, and the null count against the bitmap. The host
 * trusts nothing a decoder says. VARIABLE output in dictionary or run-end form (ABI v3) is checked
 * and expanded by {@link EncodedForms}.
 *
 * <p>One instance per {@link ChunkDecoder}, reused for every batch; after a successful
 * {@link #check} its fields hold absolute addresses into the memory, valid until the next call
 * into the module.
 */
final class DecoderOutput {
  /** Descriptor size (every ABI version): five i64 then five u32. */
  static final int DESCRIPTOR_BYTES = 60;

  private final PhysicalLayout layout;
  private final boolean utf8;
  /** ABI v1 requires offsets[0] = 0; v2 lets them start anywhere (SPEC 8.6). */
  private final boolean offsetsStartAtZero;
  /** ABI v3 lets VARIABLE output come in dictionary or run-end form (SPEC 8.7). */
  private final boolean encodedForms;
  /** The most data bytes a batch in dictionary or run-end form may expand to (SPEC 9.3). */
  private final long maxExpandedBytes;

  /** Absolute address of the validity bitmap, or 0 when the decoder left it out (no nulls). */
  long validity;
  long nullCount;
  /** BIT: values bitmap; FIXEDw: values; VARIABLE: offsets from 0, the decoder's or {@link #rebased}. */
  long values;
  long valuesBytes;
  /**
   * VARIABLE, when the decoder's offsets do not start at 0 (ABI v2): the offsets minus offsets[0], in
   * a buffer of the vector's allocator, since Arrow Java expects offsets from 0; or the offsets of
   * an expanded dictionary or run-end form. {@link ArrowLoader} takes it over; null otherwise.
   */
  ArrowBuf rebased;
  /** VARIABLE in dictionary or run-end form: the expanded data, which {@link ArrowLoader} takes over; else null. */
  ArrowBuf expanded;
  /** VARIABLE only: the rows' bytes, where the first row's value starts. */
  long data;
  long dataBytes;

  /**
   * @param abiVersion the decoder ABI the module implements, 1 to 3
   * @param maxExpandedBytes the most data bytes a batch in dictionary or run-end form may expand to:
   *     a few chunk bytes can stand for gigabytes of rows, and plain output was bounded by the
   *     decoder's memory, so the reader passes the memory cap
   */
  DecoderOutput(PhysicalLayout layout, boolean utf8, int abiVersion, long maxExpandedBytes) {
    this.layout = layout;
    this.utf8 = utf8;
    this.offsetsStartAtZero = abiVersion == 1;
    this.encodedForms = abiVersion >= 3 && layout == PhysicalLayout.VARIABLE;
    this.maxExpandedBytes = maxExpandedBytes;
  }

  /**
   * @param firstRow only for messages: row numbers in them are rows of the chunk
   * @param allocator where {@link #rebased} and {@link #expanded} come from
   * @throws InvalidOutputException naming the first broken rule
   * @throws OutputTooLargeException if the rows expand to more than the bound; fewer rows may fit
   */
  void check(OffHeapMemory memory, int descriptor, int firstRow, int rowCount, BufferAllocator allocator) {
    long base = memory.address();
    long size = memory.byteSize();
    long d = base + inside(size, descriptor, DESCRIPTOR_BYTES, "the descriptor");
    long length = MemoryUtil.getLong(d);
    long nulls = MemoryUtil.getLong(d + 8);
    long offset = MemoryUtil.getLong(d + 16);
    long nBuffers = MemoryUtil.getLong(d + 24);
    long nChildren = MemoryUtil.getLong(d + 32);
    int buffers = MemoryUtil.getInt(d + 40);
    int children = MemoryUtil.getInt(d + 44);
    int dictionary = MemoryUtil.getInt(d + 48);

    if (length != rowCount) {
      throw invalid("length is " + length + ", " + rowCount + " rows were requested");
    }
    if (offset != 0) {
      throw invalid("offset is " + offset + ", it must be 0");
    }
    boolean runEndForm = encodedForms && (nChildren != 0 || children != 0);
    boolean dictionaryForm = encodedForms && dictionary != 0;
    if (runEndForm && dictionary != 0) {
      throw invalid("has both children and a dictionary; run-end form has no dictionary (decoder ABI v3)");
    }
    if (runEndForm ? nChildren != 2 || children == 0 : nChildren != 0 || children != 0) {
      throw invalid("has children (n_children " + nChildren + ", children at " + Integer.toUnsignedString(children)
          + "); layout " + layout + " has " + (encodedForms ? "2 in run-end form (decoder ABI v3)" : "none"));
    }
    if (dictionary != 0 && !dictionaryForm) {
      throw invalid("has a dictionary; decoders must output plain values"
          + (layout == PhysicalLayout.VARIABLE ? " before decoder ABI v3" : " for layout " + layout));
    }
    int bufferCount = dictionaryForm ? 2 : runEndForm ? 1 : layout.bufferCount();
    if (nBuffers != bufferCount) {
      throw invalid("n_buffers is " + nBuffers + ", layout " + layout + " has " + bufferCount
          + (dictionaryForm ? " in dictionary form" : runEndForm ? " in run-end form" : ""));
    }
    if (nulls < 0 || nulls > rowCount) {
      throw invalid("null_count " + nulls + " is outside [0, " + rowCount + "]");
    }
    long table = base + inside(size, buffers, 4L * bufferCount, "the buffer table");
    int validityPtr = MemoryUtil.getInt(table);
    long bitmapBytes = (rowCount + 7L) >>> 3;

    if (validityPtr == 0) {
      if (nulls != 0) {
        throw invalid("null_count is " + nulls + " but there is no validity bitmap");
      }
      validity = 0;
    } else {
      validity = base + inside(size, validityPtr, bitmapBytes, "the validity bitmap");
      long counted = rowCount - Bitmaps.countOnes(validity, rowCount);
      if (counted != nulls) {
        throw invalid("null_count is " + nulls + " but the validity bitmap has " + counted + " nulls");
      }
    }
    nullCount = nulls;

    if (dictionaryForm || runEndForm) {
      EncodedForms.Expanded rows = dictionaryForm
          ? EncodedForms.dictionary(memory, table, dictionary, firstRow, rowCount, utf8, maxExpandedBytes, allocator)
          : EncodedForms.runEnds(memory, children, firstRow, rowCount, utf8, maxExpandedBytes, allocator);
      rebased = rows.offsets();
      expanded = rows.data();
      values = rebased.memoryAddress();
      valuesBytes = 4L * (rowCount + 1);
      data = expanded.memoryAddress();
      dataBytes = rows.dataBytes();
      return;
    }
    int valuesPtr = MemoryUtil.getInt(table + 4);
    if (layout == PhysicalLayout.VARIABLE) {
      valuesBytes = 4L * (rowCount + 1);
      long offsets = base + inside(size, valuesPtr, valuesBytes, "the offsets buffer");
      int first = MemoryUtil.getInt(offsets);
      if (offsetsStartAtZero ? first != 0 : first < 0) {
        throw invalid("offsets[0] is " + first + ", it must be " + (offsetsStartAtZero ? "0 (decoder ABI v1)" : "at least 0"));
      }
      values = offsets;
      if (first != 0) {
        rebased = allocator.buffer(valuesBytes);
        values = rebased.memoryAddress();
      }
      try {
        long end = checkOffsets(offsets, values, rowCount, "offsets decrease at row ", firstRow);
        // The data buffer spans offsets[L] bytes as Arrow would index it; the rows' bytes start at offsets[0].
        data = base + inside(size, MemoryUtil.getInt(table + 8), end, "the data buffer") + first;
        dataBytes = end - first;
        if (utf8) {
          checkUtf8(firstRow, rowCount);
        }
      } catch (RuntimeException e) {
        if (rebased != null) {
          rebased.getReferenceManager().release();
          rebased = null;
        }
        throw e;
      }
    } else {
      valuesBytes = layout == PhysicalLayout.BIT ? bitmapBytes : (long) layout.byteWidth() * rowCount;
      values = base + inside(size, valuesPtr, valuesBytes, "the values buffer");
      data = 0;
      dataBytes = 0;
    }
  }

  /** Offset of [pointer, pointer + bytes) in a memory of size bytes, after checking it lies inside. */
  static long inside(long size, int pointer, long bytes, String what) {
    long start = pointer & 0xFFFFFFFFL;
    if (start + bytes > size) {
      throw invalid(what + " [" + start + ", " + (start + bytes) + ") is outside the " + size
          + "-byte memory");
    }
    return start;
  }

  /**
   * Checks that the offsets at from never decrease (offsets[0] was checked to be at least 0) and, when
   * to is another buffer, writes them there minus offsets[0] in the same pass; returns offsets[n], the
   * size the data buffer must have. A decrease is reported as decrease + the number of the value
   * before it, counting from firstIndex.
   */
  static long checkOffsets(long from, long to, int n, String decrease, long firstIndex) {
    int first = MemoryUtil.getInt(from);
    // Two offsets per step in one long (little-endian: the lower address in the low half). With
    // prev = (o[i], o[i+1]) and next = (o[i+1], o[i+2]), next - prev holds both differences: the low
    // one's bit 31 is set if it is negative, and then its borrow may spoil the high one, but the batch
    // is already refused. OR-ing next in catches negative offsets, whose differences can overflow.
    // Branch-free accumulation keeps the loop tight; the failing row is located only on error.
    long signs = 0;
    int i = 0;
    if (to == from) {
      for (; i + 2 <= n; i += 2) {
        long next = MemoryUtil.getLong(from + 4L * i + 4);
        signs |= next - MemoryUtil.getLong(from + 4L * i) | next;
      }
    } else {
      // Subtracting first from both halves borrows only from an offset below first: refused too.
      long firsts = (first & 0xFFFFFFFFL) * 0x1_0000_0001L;
      MemoryUtil.putInt(to, 0);
      for (; i + 2 <= n; i += 2) {
        long next = MemoryUtil.getLong(from + 4L * i + 4);
        signs |= next - MemoryUtil.getLong(from + 4L * i) | next;
        MemoryUtil.putLong(to + 4L * i + 4, next - firsts);
      }
    }
    int last = MemoryUtil.getInt(from + 4L * n);
    if (i < n) { // odd n: the last offset alone
      signs |= (long) (last - MemoryUtil.getInt(from + 4L * i) | last) << 32;
      if (to != from) {
        MemoryUtil.putInt(to + 4L * n, last - first);
      }
    }
    if ((signs & 0x8000_0000_8000_0000L) != 0) {
      for (int k = 1; k <= n; k++) {
        int a = MemoryUtil.getInt(from + 4L * (k - 1));
        int b = MemoryUtil.getInt(from + 4L * k);
        if (b < a) {
          throw invalid(decrease + (firstIndex + k - 1) + ": " + a + " then " + b);
        }
      }
    }
    return last;
  }

  private void checkUtf8(int firstRow, int rowCount) {
    if (validity != 0) {
      checkUtf8OfValidRows(firstRow, rowCount);
      return;
    }
    long bad = Utf8.check(data, dataBytes);
    if (bad >= 0) {
      throw invalid("row " + (firstRow + indexHolding(values, rowCount, bad)) + " is not valid UTF-8 (byte "
          + bad + " of the batch's data)");
    }
    if (bad == Utf8.ASCII) {
      return;
    }
    // The data as a whole is valid; each value is too unless one starts inside a character.
    for (int i = 1; i < rowCount; i++) {
      int start = MemoryUtil.getInt(values + 4L * i);
      if (start < dataBytes && (MemoryUtil.getByte(data + start) & 0xC0) == 0x80) {
        throw invalid("row " + (firstRow + (long) i - 1) + " is not valid UTF-8 (a character "
            + "continues into the next row)");
      }
    }
  }

  /** SPEC 9.2: null slots may hold anything, so only the values of valid rows must be UTF-8. */
  private void checkUtf8OfValidRows(int firstRow, int rowCount) {
    for (int i = 0; i < rowCount; i++) {
      if ((MemoryUtil.getByte(validity + (i >>> 3)) & (1 << (i & 7))) == 0) {
        continue;
      }
      int start = MemoryUtil.getInt(values + 4L * i);
      int end = MemoryUtil.getInt(values + 4L * (i + 1));
      if (Utf8.check(data + start, end - start) >= 0) {
        throw invalid("row " + (firstRow + (long) i) + " is not valid UTF-8");
      }
    }
  }

  /** The one of n values whose bytes include data byte at (offsets are monotonic: binary search). */
  static int indexHolding(long offsets, int n, long at) {
    int lo = 0;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (MemoryUtil.getInt(offsets + 4L * mid) <= at) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  static InvalidOutputException invalid(String message) {
    return new InvalidOutputException(message);
  }

  /**
   * The rows requested expand to more bytes than the host allows; the decoder did nothing wrong,
   * and fewer rows may be decoded.
   */
  static final class OutputTooLargeException extends RuntimeException {
    OutputTooLargeException(String message) {
      super(message, null, false, false);
    }
  }

  /** The decoder's output breaks the ABI; ChunkDecoder adds the location and the module. */
  static final class InvalidOutputException extends RuntimeException {
    InvalidOutputException(String message) {
      super(message, null, false, false);
    }
  }
}
