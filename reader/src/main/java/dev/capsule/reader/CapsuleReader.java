package dev.capsule.reader;

import dev.capsule.format.CapsuleFormatException;
import dev.capsule.format.CapsuleFormatException.Location;
import dev.capsule.format.Checksums;
import dev.capsule.format.FileMetadata;
import dev.capsule.format.FooterCodec;
import dev.capsule.format.proto.ColumnChunk;
import dev.capsule.format.proto.DecoderModule;
import dev.capsule.reader.wasm.CompiledDecoder;
import dev.capsule.reader.wasm.DecodeLimits;
import dev.capsule.reader.wasm.DecoderCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An open Capsule file. Opening reads and checks the footer; {@link #scan} decodes column chunks
 * with the decoder modules stored in the file. The reader knows no encoding: every chunk goes to
 * the module its footer entry names.
 *
 * <pre>{@code
 * try (CapsuleReader file = CapsuleReader.open(path);
 *      ArrowReader batches = file.scan(allocator, ScanOptions.all())) {
 *   while (batches.loadNextBatch()) {
 *     VectorSchemaRoot root = batches.getVectorSchemaRoot();
 *   }
 * }
 * }</pre>
 */
public final class CapsuleReader implements AutoCloseable {
  private final String path;
  private final FileChannel channel;
  private final FileMetadata metadata;
  private final DecodeLimits limits;
  private final ConcurrentMap<Integer, CompiledDecoder> decoders = new ConcurrentHashMap<>();

  private CapsuleReader(String path, FileChannel channel, FileMetadata metadata, DecodeLimits limits) {
    this.path = path;
    this.channel = channel;
    this.metadata = metadata;
    this.limits = limits;
  }

  public static CapsuleReader open(Path file) throws IOException {
    return open(file, DecodeLimits.defaults());
  }

  /** Opens a file and checks its header, trailer, footer checksum and footer content. */
  public static CapsuleReader open(Path file, DecodeLimits limits) throws IOException {
    String path = file.toString();
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(path, null, "no such Capsule file");
    }
    try {
      FileMetadata metadata = FileMetadata.validate(path, FooterCodec.read(channel, path));
      return new CapsuleReader(path, channel, metadata, limits);
    } catch (Throwable e) {
      channel.close();
      throw e;
    }
  }

  public String path() {
    return path;
  }

  public Schema schema() {
    return metadata.schema();
  }

  public FileMetadata metadata() {
    return metadata;
  }

  public long rowCount() {
    return metadata.rowCount();
  }

  DecodeLimits limits() {
    return limits;
  }

  /**
   * A stream of batches; close it before closing this reader. Batches are read-only: their buffers
   * view the decoders' memory without a copy (transfer a batch to keep it past the next one; it then
   * stays intact, and the rest of its row group is copied instead).
   */
  public ArrowReader scan(BufferAllocator allocator, ScanOptions options) throws CapsuleFormatException {
    return new CapsuleArrowReader(allocator, this, options);
  }

  /**
   * Reads one column chunk into {@code target} (exactly target.remaining() bytes: the chunk's
   * length) and checks its CRC-32C. Read, not mapped: a mapping of a file that shrinks under us
   * would crash the JVM (SIGBUS) instead of raising an IOException. The target is the decoder's own
   * memory, so the bytes are copied once and no buffer is allocated per chunk.
   */
  void readChunk(int rowGroup, int column, ByteBuffer target) throws IOException {
    ColumnChunk chunk = metadata.rowGroup(rowGroup).getColumns(column);
    Location where = metadata.location(rowGroup, column);
    if (target.remaining() != chunk.getLength()) {
      throw new IllegalArgumentException("target holds " + target.remaining() + " bytes for a chunk of " + chunk.getLength());
    }
    ByteBuffer bytes = target.duplicate();
    while (bytes.hasRemaining()) {
      if (channel.read(bytes, chunk.getOffset() + (bytes.position() - target.position())) < 0) {
        throw new CapsuleFormatException(where, "file ends inside the column chunk");
      }
    }
    int crc = Checksums.crc32c(target);
    if (crc != chunk.getCrc32C()) {
      throw new CapsuleFormatException(where, String.format(
          "column chunk checksum mismatch: stored %08x, computed %08x", chunk.getCrc32C(), crc));
    }
  }

  /** The compiled decoder module a chunk names; each module is read and compiled once per JVM. */
  CompiledDecoder decoder(int rowGroup, int column) throws IOException {
    int index = metadata.rowGroup(rowGroup).getColumns(column).getDecoder();
    CompiledDecoder compiled = decoders.get(index);
    if (compiled == null) {
      DecoderModule module = metadata.footer().getDecoders(index);
      Location where = metadata.location(rowGroup, column).atOffset(module.getOffset());
      byte[] bytes = FooterCodec.readFully(channel, module.getOffset(), (int) module.getLength(), path).array();
      compiled = DecoderCache.shared().get(bytes, module.getSha256().toByteArray(), where);
      decoders.put(index, compiled);
    }
    return compiled;
  }

  /** The decoder ABI version the footer declares for the module a chunk names. */
  int declaredAbi(int rowGroup, int column) {
    int index = metadata.rowGroup(rowGroup).getColumns(column).getDecoder();
    return metadata.footer().getDecoders(index).getAbiVersion();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
