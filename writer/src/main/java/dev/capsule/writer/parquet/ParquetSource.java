package dev.capsule.writer.parquet;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.arrow.vector.BaseValueVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * A Parquet file read with parquet-java into Arrow batches, one row group in memory at a time:
 * parquet-java's {@link ColumnReader}s decode the pages (every encoding and codec parquet-java
 * knows), {@link ParquetColumn} maps each flat column to its Arrow type and copies the values.
 *
 * <pre>{@code
 * try (ParquetSource source = ParquetSource.open(path);
 *      VectorSchemaRoot root = VectorSchemaRoot.create(source.schema(), allocator)) {
 *   while (source.nextBatch(root, 65_536) > 0) { ... }
 * }
 * }</pre>
 *
 * <p>Every failure - a file parquet-java cannot read, a nested column, a value Capsule cannot hold
 * exactly - is a {@link ParquetInputException} naming the file and, where known, the row group,
 * column and row.
 */
public final class ParquetSource implements AutoCloseable {
  /**
   * The variable-width bytes (strings, binaries) a batch holds at most unless one row alone has
   * more: a batch of 64K rows of large values would pass the 2 GiB an Arrow vector holds.
   */
  public static final long DEFAULT_BATCH_BYTES = 64L << 20;

  /** The most bytes an Arrow variable-width vector's data can hold: int32 offsets, or less if configured. */
  static final long ARROW_VECTOR_BYTES = Math.min(BaseValueVector.MAX_ALLOCATION_SIZE, Integer.MAX_VALUE);

  /** Parquet key/value metadata that describes the Parquet file itself, not the data: not carried over. */
  private static final String ARROW_SCHEMA_KEY = "ARROW:schema";

  private final String path;
  private final ParquetFileReader reader;
  private final MessageType requested;
  private final List<ParquetColumn> columns;
  private final Schema schema;
  private final String createdBy;
  /** The columns whose values go to variable-width vectors, which {@link #nextBatch} bounds by bytes. */
  private final int[] variableWidth;
  /** {@link #ARROW_VECTOR_BYTES}; lower in tests, which cannot write values of gigabytes. */
  private long vectorBytes = ARROW_VECTOR_BYTES;

  private ColumnReader[] readers;
  private int rowGroup = -1;
  private long rowsLeftInGroup;
  private long rowsRead;

  private ParquetSource(String path, ParquetFileReader reader, MessageType requested, List<ParquetColumn> columns,
      Schema schema, String createdBy) {
    this.path = path;
    this.reader = reader;
    this.requested = requested;
    this.columns = columns;
    this.schema = schema;
    this.createdBy = createdBy;
    this.variableWidth = IntStream.range(0, columns.size())
        .filter(c -> columns.get(c).isVariableWidth()).toArray();
  }

  /** All columns; INT96 timestamps in nanoseconds. */
  public static ParquetSource open(Path file) throws IOException {
    return open(file, null, Int96Unit.NANOSECOND);
  }

  /** The named columns, in that order (null: all); INT96 timestamps in nanoseconds. */
  public static ParquetSource open(Path file, List<String> columns) throws IOException {
    return open(file, columns, Int96Unit.NANOSECOND);
  }

  /**
   * Opens a Parquet file and maps its schema.
   *
   * @param columns the columns to read, in that order; null for all
   * @param int96 the unit INT96 timestamps become
   * @throws NoSuchFileException if there is no such file
   * @throws ParquetInputException if parquet-java cannot read the footer, a column does not exist,
   *     or a chosen column has no faithful Arrow mapping (nested columns)
   * @throws IllegalArgumentException if {@code columns} names a column twice
   */
  public static ParquetSource open(Path file, List<String> columns, Int96Unit int96) throws IOException {
    String path = file.toString();
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new NoSuchFileException(path, null, "no such Parquet file");
    }
    ParquetFileReader reader;
    try {
      reader = ParquetFileReader.open(new LocalInputFile(file), ParquetReadOptions.builder().build());
    } catch (IOException | RuntimeException e) {
      throw new ParquetInputException(path, "not a Parquet file parquet-java can read: " + describe(e), e);
    }
    try {
      FileMetaData metadata = reader.getFooter().getFileMetaData();
      MessageType fileSchema = metadata.getSchema();
      List<Type> chosen = choose(path, fileSchema, columns);
      List<ParquetColumn> mapped = new ArrayList<>();
      List<Field> fields = new ArrayList<>();
      for (Type type : chosen) {
        ColumnDescriptor descriptor = type.isPrimitive() ? fileSchema.getColumnDescription(new String[] {type.getName()}) : null;
        ParquetColumn column = ParquetColumn.of(path, type, descriptor, int96);
        mapped.add(column);
        fields.add(column.field());
      }
      MessageType requested = new MessageType(fileSchema.getName(), chosen);
      reader.setRequestedSchema(requested);
      Schema schema = new Schema(fields, keyValueMetadata(metadata));
      return new ParquetSource(path, reader, requested, mapped, schema, metadata.getCreatedBy());
    } catch (IOException | RuntimeException | Error e) {
      reader.close();
      throw e;
    }
  }

  private static List<Type> choose(String path, MessageType fileSchema, List<String> names) throws ParquetInputException {
    if (fileSchema.getFieldCount() == 0) {
      throw new ParquetInputException(path, "the file has no columns");
    }
    if (names == null) {
      return fileSchema.getFields();
    }
    List<Type> chosen = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      // A column chosen twice would make two Arrow fields of one name, which no file can hold.
      if (!seen.add(name)) {
        throw new IllegalArgumentException("column '" + name + "' is chosen twice in " + names);
      }
      if (!fileSchema.containsField(name)) {
        List<String> known = fileSchema.getFields().stream().map(Type::getName).toList();
        throw new ParquetInputException(path, "no column '" + name + "'; the file has " + known);
      }
      chosen.add(fileSchema.getType(name));
    }
    if (chosen.isEmpty()) {
      throw new ParquetInputException(path, "no columns chosen");
    }
    return chosen;
  }

  /** The file's key/value metadata, which becomes the Arrow schema's (as Arrow C++ does). */
  private static Map<String, String> keyValueMetadata(FileMetaData metadata) {
    Map<String, String> copy = new LinkedHashMap<>();
    metadata.getKeyValueMetaData().forEach((key, value) -> {
      if (!ARROW_SCHEMA_KEY.equals(key)) {
        copy.put(key, value == null ? "" : value);
      }
    });
    return copy.isEmpty() ? null : copy;
  }

  /** The Arrow schema of the chosen columns. */
  public Schema schema() {
    return schema;
  }

  public String path() {
    return path;
  }

  /** Rows in the file. */
  public long rowCount() {
    return reader.getRecordCount();
  }

  /** Rows returned by {@link #nextBatch} so far. */
  public long rowsRead() {
    return rowsRead;
  }

  public int rowGroupCount() {
    return reader.getRowGroups().size();
  }

  /** Lowers the bytes a variable-width vector may hold, so tests can reach the bound without gigabytes. */
  void limitVectorBytes(long bytes) {
    vectorBytes = bytes;
  }

  /** The software that wrote the file, as its footer says. */
  public String createdBy() {
    return createdBy;
  }

  /**
   * Fills {@code root} (made from {@link #schema()}) with up to {@code maxRows} next rows, as
   * {@link #nextBatch(VectorSchemaRoot, int, long)} with {@link #DEFAULT_BATCH_BYTES}.
   */
  public int nextBatch(VectorSchemaRoot root, int maxRows) throws IOException {
    return nextBatch(root, maxRows, DEFAULT_BATCH_BYTES);
  }

  /**
   * Fills {@code root} (made from {@link #schema()}) with up to {@code maxRows} next rows; a batch
   * never spans two row groups, and ends early before a row whose variable-width values (utf8,
   * binary) would take the batch's total past {@code maxBytes}, or a column's past what an Arrow
   * vector holds. A batch holds at least one row, however large.
   *
   * @return the rows in the batch, 0 at the end of the file
   * @throws ParquetInputException if a value cannot be read or converted, or is larger than an
   *     Arrow vector holds
   */
  public int nextBatch(VectorSchemaRoot root, int maxRows, long maxBytes) throws IOException {
    if (maxRows <= 0) {
      throw new IllegalArgumentException("maxRows must be positive: " + maxRows);
    }
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    while (rowsLeftInGroup == 0) {
      if (!nextRowGroup()) {
        root.setRowCount(0);
        return 0;
      }
    }
    // Variable-width columns first, row by row, to learn where the bytes end the batch; then the
    // fixed-width ones, a column at a time, for that many rows.
    int count = copyVariableWidth(root, (int) Math.min(maxRows, rowsLeftInGroup), maxBytes);
    for (int c = 0; c < columns.size(); c++) {
      if (!columns.get(c).isVariableWidth()) {
        copyFixedWidth(c, root.getVector(c), count);
      }
      root.getVector(c).setValueCount(count);
    }
    root.setRowCount(count);
    rowsLeftInGroup -= count;
    rowsRead += count;
    return count;
  }

  /** Copies up to {@code maxRows} rows of every variable-width column; returns how many. */
  private int copyVariableWidth(VectorSchemaRoot root, int maxRows, long maxBytes) throws ParquetInputException {
    for (int c : variableWidth) {
      FieldVector vector = root.getVector(c);
      vector.setInitialCapacity(maxRows);
      vector.allocateNew();
    }
    if (variableWidth.length == 0) {
      return maxRows;
    }
    long[] columnBytes = new long[variableWidth.length];
    int[] lengths = new int[variableWidth.length];
    long batchBytes = 0;
    for (int row = 0; row < maxRows; row++) {
      long rowBytes = 0;
      for (int i = 0; i < variableWidth.length; i++) {
        int length = currentLength(variableWidth[i], row);
        lengths[i] = length;
        if (length > vectorBytes) {
          throw new ParquetInputException(where(variableWidth[i]) + ", row " + (rowsRead + row), "a value of " + length
              + " bytes is larger than an Arrow vector holds (" + vectorBytes + " bytes); Capsule cannot convert it");
        }
        if (columnBytes[i] + length > vectorBytes) {
          return row; // row > 0: the column holds values already
        }
        rowBytes += length;
      }
      if (row > 0 && batchBytes + rowBytes > maxBytes) {
        return row;
      }
      for (int i = 0; i < variableWidth.length; i++) {
        int c = variableWidth[i];
        copyOne(c, (BaseVariableWidthVector) root.getVector(c), row);
        columnBytes[i] += lengths[i];
      }
      batchBytes += rowBytes;
    }
    return maxRows;
  }

  /** The length of a variable-width column's current value, 0 for a null. */
  private int currentLength(int column, int row) throws ParquetInputException {
    try {
      return columns.get(column).currentLength(readers[column], row);
    } catch (ParquetColumn.CopyFailure e) {
      throw copyFailure(column, e);
    }
  }

  private void copyOne(int column, BaseVariableWidthVector vector, int row) throws ParquetInputException {
    try {
      columns.get(column).copyOne(readers[column], vector, row);
    } catch (ParquetColumn.CopyFailure e) {
      throw copyFailure(column, e);
    }
  }

  private void copyFixedWidth(int column, FieldVector vector, int count) throws ParquetInputException {
    vector.setInitialCapacity(count);
    vector.allocateNew();
    try {
      columns.get(column).copy(readers[column], vector, count);
    } catch (ParquetColumn.CopyFailure e) {
      throw copyFailure(column, e);
    } catch (RuntimeException e) {
      throw new ParquetInputException(where(column) + ", rows " + rowsRead + " to " + (rowsRead + count),
          "parquet-java failed to decode the column: " + describe(e), e);
    }
  }

  private ParquetInputException copyFailure(int column, ParquetColumn.CopyFailure e) {
    return new ParquetInputException(where(column) + ", row " + (rowsRead + e.row), describe(e.getCause()), e.getCause());
  }

  private boolean nextRowGroup() throws IOException {
    PageReadStore pages;
    try {
      pages = reader.readNextRowGroup();
    } catch (IOException | RuntimeException e) {
      throw new ParquetInputException(ParquetInputException.where(path, rowGroup + 1, null),
          "cannot read the row group: " + describe(e), e);
    }
    if (pages == null) {
      return false;
    }
    rowGroup++;
    if (pages.getRowCount() < 0) {
      throw new ParquetInputException(ParquetInputException.where(path, rowGroup, null),
          "the footer gives the row group " + pages.getRowCount() + " rows");
    }
    rowsLeftInGroup = pages.getRowCount();
    ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, new IgnoringConverter(requested.getFieldCount()),
        requested, createdBy);
    readers = new ColumnReader[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      try {
        readers[c] = store.getColumnReader(columns.get(c).descriptor());
      } catch (RuntimeException e) {
        throw new ParquetInputException(where(c), "cannot read the column chunk: " + describe(e), e);
      }
    }
    return true;
  }

  private String where(int column) {
    return ParquetInputException.where(path, rowGroup, columns.get(column).name());
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    if (e.getClass().getName().contains("ParquetCrypto")) {
      return "the file is encrypted (Parquet modular encryption), which Capsule does not read: " + message;
    }
    return message == null ? e.getClass().getSimpleName() : message + " (" + e.getClass().getSimpleName() + ")";
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /**
   * parquet-java's column readers want a converter tree; values are taken from the readers
   * directly, so every converter ignores what it is given.
   */
  private static final class IgnoringConverter extends GroupConverter {
    private final PrimitiveConverter primitive = new PrimitiveConverter() {};
    private final int fields;

    IgnoringConverter(int fields) {
      this.fields = fields;
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      if (fieldIndex < 0 || fieldIndex >= fields) {
        throw new IndexOutOfBoundsException(fieldIndex);
      }
      return primitive;
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }
}
