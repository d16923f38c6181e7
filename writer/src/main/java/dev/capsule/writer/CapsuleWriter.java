package dev.capsule.writer;

import com.google.protobuf.ByteString;
import dev.capsule.format.Checksums;
import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.FileLayout;
import dev.capsule.format.FooterCodec;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.format.proto.ColumnChunk;
import dev.capsule.format.proto.DecoderModule;
import dev.capsule.format.proto.Footer;
import dev.capsule.format.proto.KeyValue;
import dev.capsule.format.proto.RowGroup;
import dev.capsule.format.proto.Statistics;
import dev.capsule.writer.encoding.Encoding;
import dev.capsule.writer.encoding.EncodingSelector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes Arrow batches to a Capsule file, one row group at a time, so memory stays bounded by the
 * row group size. The file appears at its path only when {@link #close()} succeeds: until then the
 * bytes go to a temporary file beside it, which {@link #abort()} (or any failure) deletes.
 *
 * <pre>{@code
 * try (CapsuleWriter writer = CapsuleWriter.create(path, root.getSchema(), WriterOptions.defaults())) {
 *   writer.write(root);
 * }
 * }</pre>
 */
public final class CapsuleWriter implements AutoCloseable {
  /** Rows appended between two checks of the row group's byte bound. */
  private static final int SLICE_ROWS = 4096;

  private final Path target;
  private final Path temporary;
  private final FileChannel out;
  private final Schema schema;
  /**
   * The lowest minor version whose types the schema uses, raised at close to what the stored
   * decoder modules' ABI needs (SPEC 12); the header and the footer both say it.
   */
  private int formatMinor;
  private final WriterOptions options;
  private final EncodingSelector selector;
  private final List<ColumnBuffer> columns = new ArrayList<>();
  private final List<RowGroup> rowGroups = new ArrayList<>();
  /** Decoder modules in order of first use, keyed by SHA-256 (hex); each distinct module is stored once. */
  private final Map<String, Integer> decoderIndex = new LinkedHashMap<>();
  private final List<StoredModule> decoders = new ArrayList<>();
  private long position;
  private long rowCount;
  private boolean finished;
  /** The footer written by a successful close(). */
  private Footer written;
  /** Encodes the columns of a row group in parallel; created on first use, shut down on close. */
  private ExecutorService encoders;

  private CapsuleWriter(Path target, Path temporary, FileChannel out, Schema schema, WriterOptions options,
      EncodingSelector selector) {
    this.target = target;
    this.temporary = temporary;
    this.out = out;
    this.schema = schema;
    this.formatMinor = FileLayout.minorVersionFor(schema);
    this.options = options;
    this.selector = selector;
    for (Field field : schema.getFields()) {
      columns.add(new ColumnBuffer(field));
    }
  }

  /**
   * Starts a file at {@code target}.
   *
   * @throws IllegalArgumentException if the schema has a type or nesting format version 1 cannot store
   */
  public static CapsuleWriter create(Path target, Schema schema, WriterOptions options) throws IOException {
    if (schema.getFields().isEmpty()) {
      throw new IllegalArgumentException("a Capsule file needs at least one column");
    }
    for (Field field : schema.getFields()) {
      if (field.getDictionary() != null) {
        throw new IllegalArgumentException("column '" + field.getName() + "': Arrow dictionary-encoded fields are not "
            + "supported; pass the decoded values, the writer chooses dictionary encoding itself");
      }
      if (!field.getChildren().isEmpty()) {
        throw new IllegalArgumentException("column '" + field.getName() + "': nested types are not supported by format version 1");
      }
      try {
        PhysicalLayout.of(field.getType());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("column '" + field.getName() + "': " + e.getMessage(), e);
      }
    }
    for (String column : options.forcedEncodings().keySet()) {
      if (schema.getFields().stream().noneMatch(f -> f.getName().equals(column))) {
        throw new IllegalArgumentException("an encoding is forced for column '" + column + "', which the schema does not have");
      }
    }
    EncodingSelector selector = EncodingSelector.builtIn().withExtra(options.extraEncodings());
    options.forcedEncodings().values().forEach(selector::encoding); // unknown names fail now, not mid-file
    Path absolute = target.toAbsolutePath();
    // Beside the target so the final rename stays on one file system; not createTempFile, whose
    // owner-only permissions would carry over to the finished file.
    Path temporary = absolute.resolveSibling("." + absolute.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
    FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    CapsuleWriter writer = new CapsuleWriter(absolute, temporary, out, schema, options, selector);
    try {
      writer.writeBytes(FileLayout.header(writer.formatMinor));
    } catch (IOException | RuntimeException e) {
      writer.abort();
      throw e;
    }
    return writer;
  }

  public Schema schema() {
    return schema;
  }

  /** Appends every row of the batch, whose schema must equal the file's. */
  public void write(VectorSchemaRoot batch) throws IOException {
    checkOpen();
    if (!batch.getSchema().equals(schema)) {
      abort();
      throw new IllegalArgumentException("batch schema " + batch.getSchema() + " differs from the file schema " + schema);
    }
    try {
      int total = batch.getRowCount();
      int done = 0;
      while (done < total) {
        int buffered = columns.get(0).rowCount();
        // At most SLICE_ROWS at a time, so the byte bound is checked often enough to hold within a batch.
        int take = Math.min(Math.min(total - done, options.rowGroupRows() - buffered), SLICE_ROWS);
        for (int c = 0; c < columns.size(); c++) {
          columns.get(c).append(batch.getVector(c), done, take);
        }
        done += take;
        if (columns.get(0).rowCount() >= options.rowGroupRows() || bufferedBytes() >= options.maxRowGroupBytes()) {
          flushRowGroup();
        }
      }
    } catch (Throwable e) { // an Error too: the rows of a row group that failed to encode are gone
      abort();
      throw e;
    }
  }

  private long bufferedBytes() {
    long bytes = 0;
    for (ColumnBuffer column : columns) {
      bytes += column.bufferedBytes();
    }
    return bytes;
  }

  private void flushRowGroup() throws IOException {
    int rows = columns.isEmpty() ? 0 : columns.get(0).rowCount();
    if (rows == 0) {
      return;
    }
    ColumnValues[] values = new ColumnValues[columns.size()];
    for (int c = 0; c < values.length; c++) {
      values[c] = columns.get(c).drain();
    }
    EncodedChunk[] encoded = encodeAll(values);
    RowGroup.Builder group = RowGroup.newBuilder().setRowCount(rows);
    for (EncodedChunk chunk : encoded) {
      long offset = position;
      writeBytes(chunk.bytes());
      group.addColumns(ColumnChunk.newBuilder()
          .setOffset(offset)
          .setLength(chunk.bytes().length)
          .setEncoding(chunk.encoding().name())
          .setDecoder(decoderFor(chunk.encoding()))
          .setCrc32C(chunk.crc32c())
          .setStatistics(chunk.statistics()));
    }
    rowGroups.add(group.build());
    rowCount += rows;
  }

  /**
   * One column's chunk, encoded and described, ready to be written; it keeps nothing of the selection
   * (values, analysis, trial encodings), so that memory is free once the column is encoded.
   */
  private record EncodedChunk(Encoding encoding, byte[] bytes, Statistics statistics, int crc32c) {}

  /**
   * Encodes the chunks of a row group, on {@link WriterOptions#encodeThreads()} threads: columns are
   * independent, and choosing an encoding (hashing, trial encodings) is most of a writer's work.
   */
  private EncodedChunk[] encodeAll(ColumnValues[] values) throws IOException {
    EncodedChunk[] encoded = new EncodedChunk[values.length];
    if (options.encodeThreads() == 1 || values.length == 1) {
      for (int c = 0; c < values.length; c++) {
        encoded[c] = encode(c, values);
      }
      return encoded;
    }
    if (encoders == null) {
      encoders = Executors.newFixedThreadPool(Math.min(options.encodeThreads(), values.length), ENCODER_THREADS);
    }
    List<Future<EncodedChunk>> futures = new ArrayList<>();
    for (int c = 0; c < values.length; c++) {
      int column = c;
      futures.add(encoders.submit(() -> encode(column, values)));
    }
    try {
      for (int c = 0; c < encoded.length; c++) {
        encoded[c] = futures.get(c).get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while encoding a row group of " + target);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      if (e.getCause() instanceof Error) {
        throw (Error) e.getCause();
      }
      throw new IOException(e.getCause());
    } finally {
      futures.forEach(f -> f.cancel(true));
    }
    return encoded;
  }

  /** Encodes values[column] and drops it from the array, so a row group's columns are freed as they are done. */
  private EncodedChunk encode(int column, ColumnValues[] row) {
    ColumnValues values = row[column];
    row[column] = null;
    Field field = schema.getFields().get(column);
    String forced = options.forcedEncodings().get(field.getName());
    EncodingSelector.Selection choice;
    try {
      choice = forced == null ? selector.select(values) : selector.force(forced, values);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("row group " + rowGroups.size() + ", column '" + field.getName() + "': " + e.getMessage(), e);
    }
    return new EncodedChunk(choice.encoding(), choice.bytes(), ChunkStatistics.of(values, field.getType()),
        Checksums.crc32c(choice.bytes()));
  }

  /** Encoder threads are daemons: a writer nobody closes must not keep the JVM alive. */
  private static final ThreadFactory ENCODER_THREADS = runnable -> {
    Thread thread = new Thread(runnable, "capsule-encoder");
    thread.setDaemon(true);
    return thread;
  };

  /** A decoder module to store after the row groups, with the hash that identifies it. */
  private record StoredModule(byte[] bytes, byte[] sha256, String name, int abiVersion) {}

  /** Index of the encoding's decoder module, storing it on first use; modules are told apart by SHA-256. */
  private int decoderFor(Encoding encoding) {
    byte[] module = encoding.decoderModuleBytes();
    byte[] sha256 = Checksums.sha256(module);
    Integer index = decoderIndex.get(Checksums.hex(sha256));
    if (index == null) {
      if (module.length > FileLayout.MAX_DECODER_SIZE) {
        throw new IllegalArgumentException("decoder module of " + encoding.name() + " is " + module.length
            + " bytes; readers accept at most " + FileLayout.MAX_DECODER_SIZE);
      }
      index = decoders.size();
      decoderIndex.put(Checksums.hex(sha256), index);
      decoders.add(new StoredModule(module, sha256, encoding.decoderName(), encoding.decoderAbiVersion()));
    }
    return index;
  }

  /** Writes the last row group, the decoder modules and the footer, then moves the file into place. */
  @Override
  public void close() throws IOException {
    if (finished) {
      return;
    }
    try {
      flushRowGroup();
      for (StoredModule module : decoders) {
        formatMinor = Math.max(formatMinor, FileLayout.minorVersionForAbi(module.abiVersion()));
      }
      writeHeaderMinor();
      Footer.Builder footer = Footer.newBuilder()
          .setFormatMajor(FileLayout.FORMAT_MAJOR)
          .setFormatMinor(formatMinor)
          .setArrowSchema(ByteString.copyFrom(schema.serializeAsMessage()))
          .setRowCount(rowCount)
          .addAllRowGroups(rowGroups)
          .setCreatedBy(options.createdBy());
      for (StoredModule module : decoders) {
        footer.addDecoders(DecoderModule.newBuilder()
            .setSha256(ByteString.copyFrom(module.sha256()))
            .setOffset(position)
            .setLength(module.bytes().length)
            .setAbiVersion(module.abiVersion())
            .setName(module.name()));
        writeBytes(module.bytes());
      }
      options.metadata().forEach((k, v) -> footer.addMetadata(KeyValue.newBuilder().setKey(k).setValue(v)));
      Footer built = footer.build();
      if (built.getSerializedSize() > FileLayout.MAX_FOOTER_SIZE) {
        throw new IOException(target + ": the footer would be " + built.getSerializedSize()
            + " bytes, more than readers accept (" + FileLayout.MAX_FOOTER_SIZE + "); use larger row groups");
      }
      writeBytes(FooterCodec.encode(built));
      out.force(true);
      out.close();
      moveIntoPlace();
      finished = true;
      written = built;
    } catch (Throwable e) {
      abort();
      throw e;
    } finally {
      stopEncoders();
    }
  }

  private void stopEncoders() {
    if (encoders != null) {
      encoders.shutdownNow();
      encoders = null;
    }
  }

  private void moveIntoPlace() throws IOException {
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * The footer of the file, once {@link #close()} has written it: row groups, the encoding and size
   * of every chunk, the decoder modules.
   *
   * @throws IllegalStateException before a successful close
   */
  public Footer footer() {
    if (written == null) {
      throw new IllegalStateException("the footer of " + target + " is written by close()");
    }
    return written;
  }

  /** Discards everything written so far; the target path is left untouched. Safe to call twice. */
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    stopEncoders();
    try {
      out.close();
    } catch (IOException ignored) {
      // The file is being deleted; a failed close changes nothing.
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete temporary file " + temporary, e);
    }
  }

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("writer for " + target + " is closed");
    }
  }

  /** Rewrites the header's minor version byte: which modules the file needs is known only at the end. */
  private void writeHeaderMinor() throws IOException {
    byte[] header = FileLayout.header(formatMinor);
    ByteBuffer minor = ByteBuffer.wrap(header, FileLayout.MINOR_VERSION_OFFSET, 1);
    while (minor.hasRemaining()) {
      out.write(minor, FileLayout.MINOR_VERSION_OFFSET);
    }
  }

  private void writeBytes(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      position += out.write(buffer);
    }
  }
}
