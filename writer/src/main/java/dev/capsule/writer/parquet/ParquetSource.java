package dev.capsule.writer.parquet;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  /** Parquet key/value metadata that describes the Parquet file itself, not the data: not carried over. */
  private static final String ARROW_SCHEMA_KEY = "ARROW:schema";

  private final String path;
  private final ParquetFileReader reader;
  private final MessageType requested;
  private final List<ParquetColumn> columns;
  private final Schema schema;
  private final String createdBy;

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
    for (String name : names) {
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

  /** The software that wrote the file, as its footer says. */
  public String createdBy() {
    return createdBy;
  }

  /**
   * Fills {@code root} (made from {@link #schema()}) with up to {@code maxRows} next rows; a batch
   * never spans two row groups.
   *
   * @return the rows in the batch, 0 at the end of the file
   */
  public int nextBatch(VectorSchemaRoot root, int maxRows) throws IOException {
    if (maxRows <= 0) {
      throw new IllegalArgumentException("maxRows must be positive: " + maxRows);
    }
    while (rowsLeftInGroup == 0) {
      if (!nextRowGroup()) {
        root.setRowCount(0);
        return 0;
      }
    }
    int count = (int) Math.min(maxRows, rowsLeftInGroup);
    for (int c = 0; c < columns.size(); c++) {
      FieldVector vector = root.getVector(c);
      vector.setInitialCapacity(count);
      vector.allocateNew();
      try {
        columns.get(c).copy(readers[c], vector, count);
      } catch (ParquetColumn.CopyFailure e) {
        throw new ParquetInputException(where(c) + ", row " + (rowsRead + e.row), describe(e.getCause()), e.getCause());
      } catch (RuntimeException e) {
        throw new ParquetInputException(where(c) + ", rows " + rowsRead + " to " + (rowsRead + count),
            "parquet-java failed to decode the column: " + describe(e), e);
      }
      vector.setValueCount(count);
    }
    root.setRowCount(count);
    rowsLeftInGroup -= count;
    rowsRead += count;
    return count;
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
