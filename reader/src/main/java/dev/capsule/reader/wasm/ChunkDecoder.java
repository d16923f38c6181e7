package dev.capsule.reader.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import dev.capsule.format.CapsuleFormatException;
import dev.capsule.format.CapsuleFormatException.Location;
import dev.capsule.format.DecoderException;
import dev.capsule.format.FileLayout;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.reader.wasm.DecoderOutput.InvalidOutputException;
import dev.capsule.reader.wasm.DecoderOutput.OutputTooLargeException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * One column chunk in the hands of its decoder module: a fresh instance of the module on its own
 * capped {@link OffHeapMemory}, holding a copy of the chunk, that decodes any row range on request
 * (random access is part of the ABI, so batches and splits need no special cases).
 *
 * <p>The host knows no encoding: it copies the chunk in, asks for rows, and checks what comes back
 * against the ABI and the column's physical layout before handing it to Arrow. Every failure - the
 * decoder's own error, a trap, a limit, output that breaks the ABI - is a {@link DecoderException}
 * naming the chunk. After a trap or a timeout the instance is discarded and every later call fails.
 *
 * <p>Checked output reaches Arrow without a copy: the vector's buffers view the decoder's memory.
 * What Arrow holds must never change, and the next call may write anywhere in that memory, so before
 * any call while views are still held (a consumer kept a batch) the memory moves to a copy of itself
 * and the views keep the old block ({@link OffHeapMemory#detach}). A consumer that keeps one batch
 * probably keeps them all, so from then on this chunk's batches are copied into Arrow instead.
 *
 * <p>Not thread-safe: one thread at a time (each scan has its own decoders).
 */
public final class ChunkDecoder implements AutoCloseable {
  private static final int MAX_ERROR_BYTES = 4096;

  private final CompiledDecoder decoder;
  private final ArrowType type;
  private final PhysicalLayout layout;
  private final Location where;
  private final long timeLimitNanos;
  /** Created once capsule_abi has said which ABI the module's output follows. */
  private DecoderOutput output;
  private int abiVersion;

  private OffHeapMemory memory;
  private ExportFunction decode;
  private ExportFunction error;
  private int handle;
  private int descriptor;
  /** True once the memory had to detach: batches are then copied, not viewed. */
  private boolean copyOutput;
  /** Why the instance is unusable after a failed call, or null. */
  private String broken;
  private boolean closed;

  private ChunkDecoder(CompiledDecoder decoder, Field field, PhysicalLayout layout, DecodeLimits limits,
      Location where) {
    this.decoder = decoder;
    this.type = field.getType();
    this.layout = layout;
    this.where = where;
    this.timeLimitNanos = limits.timeLimitNanos();
  }

  /**
   * Instantiates the module, copies the chunk into its memory and calls capsule_open.
   *
   * @param chunk the chunk's bytes from position to limit (any ByteBuffer: heap, direct, mapped,
   *     read-only); its position is not changed
   * @param field the column; its Arrow type fixes the physical layout the output must have
   * @param where the chunk, for every error message
   * @throws CapsuleFormatException if the column's type has no physical layout
   * @throws DecoderException if the module cannot be instantiated under the limits, or capsule_abi,
   *     capsule_alloc or capsule_open fail
   */
  public static ChunkDecoder open(CompiledDecoder decoder, ByteBuffer chunk, Field field, DecodeLimits limits,
      Location where) throws IOException {
    Objects.requireNonNull(chunk, "chunk");
    return open(decoder, chunk.remaining(), target -> copyIn(chunk, MemoryUtil.getByteBufferAddress(target)),
        field, limits, where);
  }

  /** Fills the chunk's place in a decoder's memory; see {@link #open(CompiledDecoder, int, ChunkSource, Field, DecodeLimits, Location)}. */
  @FunctionalInterface
  public interface ChunkSource {
    /** Writes exactly target.remaining() chunk bytes into target (a direct view of wasm memory). */
    void fill(ByteBuffer target) throws IOException;
  }

  /**
   * Like {@link #open(CompiledDecoder, ByteBuffer, Field, DecodeLimits, Location)}, but the chunk's
   * bytes are written by {@code source} straight into the decoder's memory: a file reader reads
   * them there, with no intermediate buffer to allocate and touch.
   */
  public static ChunkDecoder open(CompiledDecoder decoder, int chunkLength, ChunkSource source, Field field,
      DecodeLimits limits, Location where) throws IOException {
    Objects.requireNonNull(decoder, "decoder");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(limits, "limits");
    PhysicalLayout layout;
    try {
      layout = PhysicalLayout.of(field.getType());
    } catch (IllegalArgumentException e) {
      throw new CapsuleFormatException(where, e.getMessage());
    }
    ChunkDecoder chunkDecoder = new ChunkDecoder(decoder, field, layout, limits, where);
    try {
      chunkDecoder.start(chunkLength, source, limits.memoryCapPages());
      return chunkDecoder;
    } catch (IOException | RuntimeException | Error e) {
      chunkDecoder.close();
      throw e;
    }
  }

  private void start(int length, ChunkSource source, int capPages) throws IOException {
    if (decoder.initialMemoryPages() > capPages) {
      throw fail("module's initial memory of " + decoder.initialMemoryPages()
          + " pages exceeds the memory limit of " + capPages + " pages", null);
    }
    Instance instance = WasmCalls.instantiate(this, decoder, capPages);
    ExportFunction abi = instance.export(ModuleValidator.ABI);
    ExportFunction alloc = instance.export(ModuleValidator.ALLOC);
    ExportFunction open = instance.export(ModuleValidator.OPEN);
    decode = instance.export(ModuleValidator.DECODE);
    error = instance.export(ModuleValidator.ERROR);

    abiVersion = (int) call(abi, ModuleValidator.ABI);
    if (!FileLayout.isSupportedAbi(abiVersion)) {
      throw fail("module implements decoder ABI version " + abiVersion + ", this reader knows versions "
          + FileLayout.MIN_DECODER_ABI + " to " + FileLayout.MAX_DECODER_ABI, null);
    }
    // Expanded rows are bounded like plain ones, which had to fit in the decoder's memory.
    output = new DecoderOutput(layout, type.getTypeID() == ArrowType.ArrowTypeID.Utf8, abiVersion,
        (long) capPages * Memory.PAGE_SIZE);
    int chunkPtr = allocate(alloc, length, "the chunk");
    source.fill(MemoryUtil.directBuffer(memory.address() + chunkPtr, length));
    descriptor = allocate(alloc, DecoderOutput.DESCRIPTOR_BYTES, "the descriptor");
    handle = (int) call(open, ModuleValidator.OPEN, chunkPtr, length);
    if (handle == 0) {
      throw fail("capsule_open failed: " + errorMessage(0), null);
    }
  }

  private int allocate(ExportFunction alloc, int size, String what) throws IOException {
    int pointer = (int) call(alloc, ModuleValidator.ALLOC, size);
    if (pointer == 0) {
      throw fail("capsule_alloc(" + size + ") for " + what + " failed (the memory limit is "
          + memory.maximumPages() + " pages of 64 KiB)", null);
    }
    if ((pointer & 7) != 0 || (pointer & 0xFFFFFFFFL) + size > memory.byteSize()) {
      throw fail("capsule_alloc(" + size + ") for " + what + " returned " + Integer.toUnsignedString(pointer)
          + ", which is not an 8-byte-aligned range inside the " + memory.byteSize() + "-byte memory", null);
    }
    return pointer;
  }

  /** Copies the remaining bytes of src to address in bulk, without moving src's position. */
  private static void copyIn(ByteBuffer src, long address) {
    int position = src.position();
    int length = src.remaining();
    if (src.isDirect()) { // includes mapped files
      MemoryUtil.copyMemory(MemoryUtil.getByteBufferAddress(src) + position, address, length);
    } else if (src.hasArray()) {
      MemoryUtil.copyToMemory(src.array(), src.arrayOffset() + position, address, length);
    } else { // read-only heap buffer: its array is hidden, go through a bounce buffer
      ByteBuffer view = src.duplicate();
      byte[] bounce = new byte[Math.min(length, 1 << 16)];
      for (long done = 0; done < length; ) {
        int n = Math.min(bounce.length, view.remaining());
        view.get(bounce, 0, n);
        MemoryUtil.copyToMemory(bounce, 0, address + done, n);
        done += n;
      }
    }
  }

  /**
   * Decodes rows [firstRow, firstRow + rowCount) of the chunk into vector, replacing its contents
   * with new buffers (whoever still holds the previous ones keeps them intact). The vector is cleared
   * first: a batch decoded by this chunk that nobody else holds then costs no copy. The buffers may
   * view the decoder's memory, the chunk's own bytes included: read them, do not write into them (as
   * with any {@link org.apache.arrow.vector.ipc.ArrowReader} batch), or later decodes of this chunk
   * may return what was written.
   *
   * @param vector a vector of the column's type, allocated from any allocator
   * @throws DecoderException if the decoder fails or its output breaks the ABI (the decoder is then
   *     unusable), or if the rows expand past the memory cap (fewer rows may then be decoded); the
   *     vector is left empty after any failure
   * @throws InterruptedIOException if the calling thread is interrupted (the flag stays set)
   */
  public void decodeInto(int firstRow, int rowCount, FieldVector vector) throws IOException {
    if (firstRow < 0 || rowCount < 0 || rowCount == Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bad row range: first " + firstRow + ", count " + rowCount);
    }
    if (!type.equals(vector.getField().getType())) {
      throw new IllegalArgumentException("vector of type " + vector.getField().getType()
          + " for column of type " + type);
    }
    vector.clear();
    int status = (int) call(decode, ModuleValidator.DECODE, handle, firstRow, rowCount, descriptor);
    if (status != 0) {
      String message = errorMessage(handle);
      markBroken("capsule_decode failed earlier"); // SPEC 8.3: no call after an error
      throw fail("capsule_decode(rows " + firstRow + " + " + rowCount + ") failed with status " + status
          + ": " + message, null);
    }
    try {
      output.check(memory, descriptor, firstRow, rowCount, vector.getAllocator());
    } catch (InvalidOutputException e) {
      markBroken("its output broke the ABI earlier");
      throw fail("capsule_decode(rows " + firstRow + " + " + rowCount + ") output breaks the ABI: "
          + e.getMessage(), null);
    } catch (OutputTooLargeException e) {
      throw fail(e.getMessage(), null); // the decoder is fine: fewer rows may be decoded
    } catch (OutOfMemoryException e) {
      throw fail("no memory for the rows " + firstRow + " + " + rowCount + " expanded: " + e.getMessage(), e);
    }
    ArrowLoader.load(vector, layout, output, rowCount, copyOutput ? null : memory);
  }

  /**
   * The decoder ABI version the module's capsule_abi returned; a reader of a file checks it against
   * the version the footer declares for the module (SPEC 8.3).
   */
  public int abiVersion() {
    return abiVersion;
  }

  /** The physical layout decoded buffers have. */
  public PhysicalLayout layout() {
    return layout;
  }

  /**
   * Releases the instance's memory; idempotent. Arrow vectors already loaded are unaffected: the
   * block they view is freed when the last of them is released.
   */
  @Override
  public void close() {
    closed = true;
    decode = null;
    error = null;
    if (memory != null) {
      memory.close();
    }
  }

  // ---- calls into the module ----

  /** Called by WasmCalls when the instance creates its memory. */
  OffHeapMemory newMemory(com.dylibso.chicory.wasm.types.MemoryLimits limits, int capPages) {
    if (memory != null) {
      throw new IllegalStateException("a decoder has one memory");
    }
    memory = new OffHeapMemory(limits, capPages);
    return memory;
  }

  private long call(ExportFunction function, String name, long... args) throws IOException {
    if (closed) {
      throw new IllegalStateException("decoder of " + where + " is closed");
    }
    if (broken != null) {
      throw new DecoderException(where, decoder.label() + " is unusable: " + broken);
    }
    if (memory != null && memory.viewed()) {
      detach();
    }
    return WasmCalls.call(this, function, name, args);
  }

  /** The decoder's own account of its last error, from capsule_error; never trusted further. */
  private String errorMessage(int errorHandle) {
    try {
      int pointer = (int) call(error, ModuleValidator.ERROR, errorHandle);
      long size = memory.byteSize();
      long start = pointer & 0xFFFFFFFFL;
      if (start + 4 > size) {
        return "(capsule_error returned " + start + ", outside the memory)";
      }
      long length = MemoryUtil.getInt(memory.address() + start) & 0xFFFFFFFFL;
      length = Math.min(Math.min(length, MAX_ERROR_BYTES), size - start - 4);
      byte[] bytes = new byte[(int) length];
      MemoryUtil.copyFromMemory(memory.address() + start + 4, bytes, 0, length);
      // Malformed bytes become U+FFFD; control characters are escaped so a message cannot forge lines.
      return printable(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      String message = e.getMessage();
      String prefix = where + ": " + decoder.label() + ": ";
      return "(capsule_error failed: " + (message.startsWith(prefix) ? message.substring(prefix.length()) : message) + ")";
    }
  }

  private static String printable(String text) {
    StringBuilder s = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      if (Character.isISOControl(c)) {
        s.append(String.format("\\u%04x", c));
      } else {
        s.appendCodePoint(c);
      }
    });
    return s.toString();
  }

  /** Moves the memory away from the batches a consumer still holds (see the class comment). */
  private void detach() throws DecoderException {
    String why = "batches of this chunk still held pin its " + memory.byteSize()
        + "-byte decoder memory, and a copy to go on decoding ";
    boolean detached;
    try {
      detached = memory.detach();
    } catch (OutOfMemoryError e) {
      throw fail(why + "cannot be allocated", e);
    }
    if (!detached) {
      throw fail(why + "would exceed the decoder memory budget of " + OffHeapMemory.totalBudgetBytes
          + " bytes (system property capsule.wasm.maxTotalBytes); release or copy batches you keep", null);
    }
    copyOutput = true;
  }

  DecoderException fail(String message, Throwable cause) {
    return new DecoderException(where, decoder.label() + ": " + message, cause);
  }

  void markBroken(String why) {
    broken = why;
  }

  long timeLimitNanos() {
    return timeLimitNanos;
  }
}
