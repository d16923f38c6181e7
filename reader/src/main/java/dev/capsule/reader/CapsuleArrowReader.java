package dev.capsule.reader;

import dev.capsule.format.CapsuleFormatException;
import dev.capsule.format.CapsuleFormatException.Location;
import dev.capsule.format.DecoderException;
import dev.capsule.format.FileMetadata;
import dev.capsule.format.proto.RowGroup;
import dev.capsule.reader.wasm.ChunkDecoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Batches of a projection and row range of a Capsule file. A batch never spans two row groups; each
 * row group's chunks get one decoder instance each, which serves all the batches of that group by
 * random access. The columns of a row group are opened, and those of a batch decoded, on
 * {@link ScanOptions#threads()} threads at once.
 */
final class CapsuleArrowReader extends ArrowReader {
  private final CapsuleReader file;
  private final FileMetadata metadata;
  private final int[] columns;
  private final Schema projected;
  private final int batchRows;
  private final int threads;
  private final long endRow;

  private long nextRow;
  private int rowGroup = -1;
  private long rowGroupStart;
  private long rowGroupEnd;
  private final ChunkDecoder[] decoders;
  /** This row group's columns in the order they are handed to decoding threads: longest chunk first. */
  private int[] heaviestFirst;
  private long bytesRead;

  CapsuleArrowReader(BufferAllocator allocator, CapsuleReader file, ScanOptions options) throws CapsuleFormatException {
    super(allocator);
    this.file = file;
    this.metadata = file.metadata();
    this.columns = resolveColumns(metadata, options.columns());
    List<Field> fields = new ArrayList<>();
    for (int c : columns) {
      fields.add(metadata.schema().getFields().get(c));
    }
    this.projected = new Schema(fields, metadata.schema().getCustomMetadata());
    this.batchRows = options.batchRows();
    this.threads = options.threads();
    this.nextRow = Math.min(options.firstRow(), metadata.rowCount());
    this.endRow = options.rowCount() > metadata.rowCount() - nextRow ? metadata.rowCount() : nextRow + options.rowCount();
    this.decoders = new ChunkDecoder[columns.length];
  }

  private static int[] resolveColumns(FileMetadata metadata, List<String> names) throws CapsuleFormatException {
    List<Field> fields = metadata.schema().getFields();
    if (names == null) {
      return java.util.stream.IntStream.range(0, fields.size()).toArray();
    }
    int[] indexes = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      indexes[i] = -1;
      for (int c = 0; c < fields.size(); c++) {
        if (fields.get(c).getName().equals(names.get(i))) {
          indexes[i] = c;
          break;
        }
      }
      if (indexes[i] < 0) {
        throw new IllegalArgumentException(metadata.path() + ": no column '" + names.get(i) + "'; the file has "
            + fields.stream().map(Field::getName).toList());
      }
    }
    return indexes;
  }

  @Override
  protected Schema readSchema() {
    return projected;
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    prepareLoadNextBatch();
    VectorSchemaRoot root = getVectorSchemaRoot();
    if (nextRow >= endRow || nextRow >= rowGroupEnd) {
      // The previous batch views the current decoders' memory: let it go before they close, so
      // their regions return to the pool (and the budget) now, not when the root is closed.
      root.clear();
    }
    if (nextRow >= endRow) {
      closeDecoders();
      return false;
    }
    if (nextRow >= rowGroupEnd) {
      openRowGroupContaining(nextRow);
    }
    int count = (int) Math.min(batchRows, Math.min(endRow, rowGroupEnd) - nextRow);
    int first = (int) (nextRow - rowGroupStart);
    ColumnTasks.run(heaviestFirst, threads, i -> {
      var vector = root.getVector(i);
      decoders[i].decodeInto(first, count, vector);
      if (vector.getNullCount() > 0 && !vector.getField().isNullable()) {
        throw new CapsuleFormatException(metadata.location(rowGroup, columns[i]),
            "column is declared not null but its chunk decodes to " + vector.getNullCount() + " null(s)");
      }
    });
    root.setRowCount(count);
    nextRow += count;
    return true;
  }

  private void openRowGroupContaining(long row) throws IOException {
    closeDecoders();
    long start = rowGroup < 0 ? 0 : rowGroupEnd;
    int group = rowGroup + 1;
    while (start + metadata.rowGroup(group).getRowCount() <= row) {
      start += metadata.rowGroup(group).getRowCount();
      group++;
    }
    int g = group;
    heaviestFirst = heaviestFirst(group);
    ColumnTasks.run(heaviestFirst, threads, i -> {
      int c = columns[i];
      Location where = metadata.location(g, c);
      int length = (int) metadata.rowGroup(g).getColumns(c).getLength();
      ChunkDecoder opened = ChunkDecoder.open(file.decoder(g, c), length, target -> file.readChunk(g, c, target),
          metadata.schema().getFields().get(c), file.limits(), where);
      int declared = file.declaredAbi(g, c);
      if (opened.abiVersion() != declared) { // SPEC 8.3: capsule_abi must return what the footer says
        opened.close();
        throw new DecoderException(where, "decoder module implements ABI version " + opened.abiVersion()
            + ", the footer declares version " + declared);
      }
      decoders[i] = opened;
    });
    for (int c : columns) {
      bytesRead += metadata.rowGroup(group).getColumns(c).getLength();
    }
    // Only now: if a chunk failed to open, the next call tries this row group again and fails the same way.
    rowGroup = group;
    rowGroupStart = start;
    rowGroupEnd = start + metadata.rowGroup(group).getRowCount();
  }

  /** The projected columns (indexes into {@link #columns}) by chunk length, longest first. */
  private int[] heaviestFirst(int group) {
    RowGroup chunks = metadata.rowGroup(group);
    return java.util.stream.IntStream.range(0, columns.length).boxed()
        .sorted((a, b) -> Long.compare(chunks.getColumns(columns[b]).getLength(), chunks.getColumns(columns[a]).getLength()))
        .mapToInt(Integer::intValue).toArray();
  }

  private void closeDecoders() {
    for (int i = 0; i < decoders.length; i++) {
      if (decoders[i] != null) {
        decoders[i].close();
        decoders[i] = null;
      }
    }
  }

  @Override
  public long bytesRead() {
    return bytesRead;
  }

  @Override
  protected void closeReadSource() {
    closeDecoders();
  }
}
