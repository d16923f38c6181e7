package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.decoders.ValueKind;
import dev.capsule.decoders.reference.ReferenceDecoder;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.writer.encoding.ParquetPageHeader.DataHeader;
import dev.capsule.writer.encoding.ParquetPageHeader.V2Header;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Optional;
import java.util.PrimitiveIterator;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * The plain-Java decoder of capsule.parquet chunks: the reference the wasm module is tested
 * against, and the plain-Java peer in the benchmarks. It accepts what SPEC.md section 7.6 allows
 * (every physical type with its layouts, uncompressed or snappy, DATA_PAGE and DATA_PAGE_V2, PLAIN
 * and dictionary values) and rejects everything the section forbids, like the other reference
 * decoders with an IllegalArgumentException that names the byte offset.
 *
 * <p>The chunk header, the page headers (read by {@link ParquetPageHeader}) and the page contents
 * (snappy, levels, indices, PLAIN values: {@link ParquetPageContents}) are checked here, all of
 * them when the chunk is opened; the values are then decoded by parquet-java's own page and column
 * readers, the library that wrote them.
 */
public final class ParquetChunkDecoder implements ReferenceDecoder {
  private static final String ENCODING = "capsule.parquet";
  /** The standard chunk header, then the parquet column header. */
  private static final int PAGES_OFFSET = ChunkWriter.HEADER_SIZE + ParquetEncoding.PAYLOAD_HEADER;

  private static final int PAGE_DATA = 0;
  private static final int PAGE_INDEX = 1;
  private static final int PAGE_DICTIONARY = 2;
  private static final int PAGE_DATA_V2 = 3;
  private static final int ENC_PLAIN = 0;
  private static final int ENC_PLAIN_DICTIONARY = 2;
  private static final int ENC_RLE = 3;
  private static final int ENC_RLE_DICTIONARY = 8;

  /** Parquet's Type enum, by the code the chunk stores. */
  private static final PrimitiveTypeName[] PHYSICAL = {PrimitiveTypeName.BOOLEAN, PrimitiveTypeName.INT32,
      PrimitiveTypeName.INT64, PrimitiveTypeName.INT96, PrimitiveTypeName.FLOAT, PrimitiveTypeName.DOUBLE,
      PrimitiveTypeName.BINARY, PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY};

  @Override
  public String module() {
    return "parquet";
  }

  @Override
  public ColumnValues decode(byte[] chunk, ValueKind kind, int firstRow, int rowCount) {
    OpenChunk open = open(chunk);
    if (firstRow < 0 || rowCount < 0 || (long) firstRow + rowCount > open.rowCount()) {
      throw new IllegalArgumentException("rows [" + firstRow + ", " + ((long) firstRow + rowCount)
          + ") are not within a chunk of " + open.rowCount() + " rows");
    }
    PhysicalLayout layout = open.layout();
    if (layout.isFixedWidth() && (long) rowCount * layout.byteWidth() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("decoded rows would take " + (long) rowCount * layout.byteWidth()
          + " bytes, more than a Java array holds; decode a smaller window");
    }
    if (rowCount == 0) { // parquet-java has no reader for a column without values
      return new ColumnValues(layout, kind, 0, null, new byte[0],
          layout.kind() == PhysicalLayout.Kind.VARIABLE ? new int[1] : null);
    }
    ColumnReader reader = open.reader();
    try {
      for (int i = 0; i < firstRow; i++) {
        if (reader.getCurrentDefinitionLevel() == open.maxDefinition()) {
          reader.skip(); // a value not read must be skipped before moving on
        }
        reader.consume();
      }
      return read(reader, open, kind, rowCount);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) { // the pages were checked: parquet-java should never get here
      throw malformed(PAGES_OFFSET, "parquet-java cannot read the pages: " + e, e);
    }
  }

  /**
   * A capsule.parquet chunk checked in full and parsed for parquet-java: headers and page contents
   * checked, pages decompressed once.
   *
   * @throws IllegalArgumentException if the chunk is malformed (the message names the byte offset)
   */
  public static OpenChunk open(byte[] chunk) {
    if (chunk.length < ChunkWriter.HEADER_SIZE) {
      throw malformed(0, "truncated chunk: " + chunk.length + " bytes, the header needs " + ChunkWriter.HEADER_SIZE);
    }
    long n = u32(chunk, 0);
    if (n > Integer.MAX_VALUE) {
      throw malformed(0, "row_count = " + n + " is larger than any chunk can hold");
    }
    PhysicalLayout layout = PhysicalLayout.fromCode(chunk[4] & 0xFF); // every code names a layout
    if (chunk[5] != 0) {
      throw malformed(5, "flags byte is " + (chunk[5] & 0xFF) + ": capsule.parquet chunks carry no validity bitmap");
    }
    if (chunk[6] != 0 || chunk[7] != 0) {
      throw malformed(6, "reserved header bytes 6..7 must be 0");
    }
    if (chunk.length < PAGES_OFFSET) {
      throw malformed(ChunkWriter.HEADER_SIZE, "truncated chunk: the parquet column header needs "
          + ParquetEncoding.PAYLOAD_HEADER + " bytes at offset " + ChunkWriter.HEADER_SIZE);
    }
    int physicalCode = chunk[8] & 0xFF;
    int codec = chunk[9] & 0xFF;
    int maxDefinition = chunk[10] & 0xFF;
    long typeLength = u32(chunk, 12);
    if (physicalCode >= PHYSICAL.length) {
      throw malformed(8, "unknown Parquet physical type " + physicalCode);
    }
    if (codec != ParquetEncoding.CODEC_UNCOMPRESSED && codec != ParquetEncoding.CODEC_SNAPPY) {
      throw malformed(9, "compression codec " + codec + " is not supported (0 UNCOMPRESSED, 1 SNAPPY)");
    }
    if (maxDefinition > 1) {
      throw malformed(10, "max definition level " + maxDefinition + " is not 0 or 1");
    }
    if (chunk[11] != 0) {
      throw malformed(11, "reserved byte must be 0, found " + (chunk[11] & 0xFF));
    }
    PrimitiveTypeName physical = PHYSICAL[physicalCode];
    if (!layoutMatches(layout, physical)) {
      throw malformed(4, "layout " + layout + " does not go with Parquet physical type " + physicalCode + " (" + physical + ")");
    }
    long expectedLength = physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY ? layout.byteWidth() : 0;
    if (typeLength != expectedLength) {
      throw malformed(12, "type_length is " + typeLength + "; it must be " + expectedLength + " for physical type "
          + physicalCode);
    }
    Column column = new Column((int) n, layout, physical, codec == ParquetEncoding.CODEC_SNAPPY, maxDefinition,
        (int) typeLength);
    return new OpenChunk(column, readPages(chunk, column));
  }

  /** Whether a layout and a physical type go together (SPEC.md section 7.6). */
  private static boolean layoutMatches(PhysicalLayout layout, PrimitiveTypeName physical) {
    int w = layout.byteWidth();
    return switch (physical) {
      case BOOLEAN -> layout.kind() == PhysicalLayout.Kind.BIT;
      case INT32 -> layout.isFixedWidth() && (w == 1 || w == 2 || w == 4);
      case FLOAT -> layout.isFixedWidth() && w == 4;
      case INT64, DOUBLE -> layout.isFixedWidth() && w == 8;
      case INT96 -> layout.isFixedWidth() && w == 12;
      case BINARY -> layout.kind() == PhysicalLayout.Kind.VARIABLE;
      case FIXED_LEN_BYTE_ARRAY -> layout.isFixedWidth();
    };
  }

  /** What the chunk's header says about its column. */
  private record Column(int rowCount, PhysicalLayout layout, PrimitiveTypeName physical, boolean snappy,
      int maxDefinition, int typeLength) {
    /** Bytes of a PLAIN value: -1 for BOOLEAN's bits, 0 for BYTE_ARRAY. */
    int plainWidth() {
      return switch (physical) {
        case BOOLEAN -> -1;
        case INT32, FLOAT -> 4;
        case INT64, DOUBLE -> 8;
        case INT96 -> 12;
        case BINARY -> 0;
        case FIXED_LEN_BYTE_ARRAY -> typeLength;
      };
    }

    ColumnDescriptor descriptor() {
      Repetition repetition = maxDefinition == 1 ? Repetition.OPTIONAL : Repetition.REQUIRED;
      var builder = Types.buildMessage().primitive(physical, repetition);
      if (physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
        builder = builder.length(typeLength);
      }
      return builder.named("v").named("chunk").getColumns().get(0);
    }
  }

  /** Parses and checks every page, and hands them to parquet-java in its own page classes. */
  private static Pages readPages(byte[] chunk, Column column) {
    ColumnDescriptor descriptor = column.descriptor();
    Pages pages = new Pages(descriptor);
    int dictionarySize = -1; // no dictionary page
    long rows = 0;
    int dataPages = 0;
    int pos = PAGES_OFFSET;
    while (pos < chunk.length) {
      ParquetPageHeader header = ParquetPageHeader.read(chunk, pos);
      int body = header.bodyOffset();
      if (header.compressedSize() > chunk.length - body) {
        throw malformed(body, "truncated chunk: the page at offset " + pos + " needs " + header.compressedSize()
            + " bytes at offset " + body + ", the chunk has " + chunk.length + " bytes");
      }
      switch (header.type()) {
        case PAGE_DICTIONARY -> {
          if (dictionarySize >= 0) {
            throw malformed(pos, "second dictionary page at offset " + pos);
          }
          if (dataPages > 0) {
            throw malformed(pos, "dictionary page at offset " + pos + " comes after a data page");
          }
          dictionarySize = dictionaryPage(chunk, column, header, pages);
        }
        case PAGE_DATA, PAGE_DATA_V2 -> {
          if (column.rowCount() == 0) {
            throw malformed(pos, "the chunk has 0 rows but a data page at offset " + pos);
          }
          int pageRows = dataPage(chunk, column, header, dictionarySize, pages);
          if (rows + pageRows > column.rowCount()) {
            throw malformed(pos, "the data page at offset " + pos + " goes past row " + column.rowCount()
                + ", the chunk's row count (it starts at row " + rows + ")");
          }
          rows += pageRows;
          dataPages++;
        }
        default -> throw malformed(pos, "page at offset " + pos + " has type " + header.type() + " ("
            + (header.type() == PAGE_INDEX ? "INDEX_PAGE" : "unknown") + "); only dictionary and data pages are allowed");
      }
      pos = body + header.compressedSize();
    }
    if (rows != column.rowCount()) {
      throw malformed(chunk.length, "the data pages hold " + rows + " rows but the chunk header says " + column.rowCount());
    }
    return pages;
  }

  /** Checks a dictionary page, adds it to the pages and returns its number of values. */
  private static int dictionaryPage(byte[] chunk, Column column, ParquetPageHeader header, Pages pages) {
    int pos = header.offset();
    DataHeader dictionary = header.dictionary();
    if (dictionary == null) {
      throw malformed(pos, "dictionary page at offset " + pos + " lacks its header (field 7)");
    }
    if (column.physical() == PrimitiveTypeName.BOOLEAN) {
      throw malformed(pos, "dictionary page at offset " + pos + " in a BOOLEAN column");
    }
    requirePresent(dictionary.numValues(), pos, "DictionaryPageHeader", "num_values");
    requirePresent(dictionary.encoding(), pos, "DictionaryPageHeader", "encoding");
    requireNotNegative(dictionary.numValues(), pos, "num_values");
    if (dictionary.encoding() != ENC_PLAIN && dictionary.encoding() != ENC_PLAIN_DICTIONARY) {
      throw malformed(pos, "dictionary page at offset " + pos + " has encoding " + dictionary.encoding()
          + "; PLAIN (0) or PLAIN_DICTIONARY (2) expected");
    }
    requireEqualSizes(!column.snappy(), header, "uncompressed dictionary page");
    byte[] body = section(chunk, header.bodyOffset(), header.compressedSize(), header.uncompressedSize(),
        column.snappy(), pos);
    int size = dictionary.numValues();
    int width = column.plainWidth();
    if (width == 0 && 4L * size > body.length) { // before walking: each value has 4 length bytes
      throw malformed(header.bodyOffset(), "dictionary page at offset " + pos + ": " + size
          + " values need at least " + 4L * size + " bytes, the page has " + body.length);
    }
    ParquetPageContents.plainValues(body, 0, body.length, size, width, "dictionary values", pos);
    pages.dictionary = new DictionaryPage(BytesInput.from(body), size, Encoding.valueOf(
        org.apache.parquet.format.Encoding.findByValue(dictionary.encoding()).name()));
    return size;
  }

  /**
   * Checks a data page (v1 or v2) and its contents, adds it to the pages and returns its rows.
   *
   * @param dictionarySize values of the dictionary page, -1 without one
   */
  private static int dataPage(byte[] chunk, Column column, ParquetPageHeader header, int dictionarySize,
      Pages pages) {
    int pos = header.offset();
    boolean v2 = header.type() == PAGE_DATA_V2;
    String struct = v2 ? "DataPageHeaderV2" : "DataPageHeader";
    // Only the sub-header matching the page type counts; others are ignored.
    if (v2 ? header.v2() == null : header.data() == null) {
      throw malformed(pos, "data page at offset " + pos + " lacks its " + struct + " (field " + (v2 ? 8 : 5) + ")");
    }
    int numValues = v2 ? header.v2().numValues() : header.data().numValues();
    int encoding = v2 ? header.v2().encoding() : header.data().encoding();
    requirePresent(numValues, pos, struct, "num_values");
    requirePresent(encoding, pos, struct, "encoding");
    requireNotNegative(numValues, pos, "num_values");
    if (encoding != ENC_PLAIN && encoding != ENC_PLAIN_DICTIONARY && encoding != ENC_RLE_DICTIONARY) {
      throw malformed(pos, "data page at offset " + pos + " uses encoding " + encoding
          + ", which capsule.parquet does not support");
    }
    if (encoding != ENC_PLAIN && dictionarySize < 0) {
      throw malformed(pos, "data page at offset " + pos + " uses dictionary encoding " + encoding
          + " but the chunk has no dictionary page");
    }
    int rows;
    byte[] levels; // v2: the definition levels section; v1: null (they are in the body)
    byte[] values; // v1: the whole body; v2: the values section
    if (!v2) {
      DataHeader data = header.data();
      requirePresent(data.definitionLevelEncoding(), pos, struct, "definition_level_encoding");
      if (column.maxDefinition() == 1 && data.definitionLevelEncoding() != ENC_RLE) {
        throw malformed(pos, "data page at offset " + pos + ": definition_level_encoding "
            + data.definitionLevelEncoding() + " is not RLE (3)");
      }
      requireEqualSizes(!column.snappy(), header, "uncompressed data page");
      rows = numValues;
      levels = null;
      values = section(chunk, header.bodyOffset(), header.compressedSize(), header.uncompressedSize(),
          column.snappy(), pos);
    } else {
      V2Header h = header.v2();
      requirePresent(h.numRows(), pos, struct, "num_rows");
      requirePresent(h.definitionLevelsLength(), pos, struct, "definition_levels_byte_length");
      requireNotNegative(h.numRows(), pos, "num_rows");
      requireNotNegative(h.definitionLevelsLength(), pos, "definition_levels_byte_length");
      if (h.numValues() != h.numRows()) {
        throw malformed(pos, "data page v2 at offset " + pos + ": num_values " + h.numValues() + " != num_rows "
            + h.numRows() + " (nested data is not supported)");
      }
      if (h.repetitionLevelsLength() != 0 && h.repetitionLevelsLength() != ParquetPageHeader.ABSENT) {
        throw malformed(pos, "data page v2 at offset " + pos + ": repetition_levels_byte_length is "
            + h.repetitionLevelsLength() + ", must be 0");
      }
      int levelsLength = h.definitionLevelsLength();
      if (column.maxDefinition() == 0 && levelsLength != 0) {
        throw malformed(pos, "data page v2 at offset " + pos + ": definition_levels_byte_length " + levelsLength
            + " is wrong for max definition level 0");
      }
      if (levelsLength > header.compressedSize() || levelsLength > header.uncompressedSize()) {
        throw malformed(pos, "data page v2 at offset " + pos + ": definition_levels_byte_length " + levelsLength
            + " exceeds the page size");
      }
      boolean compressed = column.snappy() && h.isCompressed();
      requireEqualSizes(!compressed, header, "uncompressed data page v2");
      rows = h.numRows();
      int body = header.bodyOffset();
      levels = Arrays.copyOfRange(chunk, body, body + levelsLength);
      values = section(chunk, body + levelsLength, header.compressedSize() - levelsLength,
          header.uncompressedSize() - levelsLength, compressed, pos);
    }

    // Contents: definition levels, then the values of the non-null rows.
    int nonNull = rows;
    int valuesFrom = 0;
    if (column.maxDefinition() == 1) {
      byte[] in = v2 ? levels : values;
      int from = 0;
      int end = in.length;
      if (!v2) {
        if (values.length < 4 || u32(values, 0) > values.length - 4) {
          throw malformed(header.bodyOffset(), "data page at offset " + pos + ": definition levels do not fit in the "
              + values.length + " byte page");
        }
        from = 4;
        end = 4 + (int) u32(values, 0);
        valuesFrom = end;
      }
      nonNull = ParquetPageContents.definitionLevels(in, from, end, rows, pos);
    }
    if (encoding == ENC_PLAIN) {
      ParquetPageContents.plainValues(values, valuesFrom, values.length, nonNull, column.plainWidth(), "values", pos);
    } else {
      ParquetPageContents.dictionaryIndices(values, valuesFrom, values.length, nonNull, dictionarySize, pos);
    }

    if (rows > 0) { // parquet-java's readers expect values in every page
      Encoding valuesEncoding = Encoding.valueOf(org.apache.parquet.format.Encoding.findByValue(encoding).name());
      Statistics<?> noStatistics = Statistics.noopStats(pages.descriptor.getPrimitiveType());
      // Levels are RLE (checked above) or, in a required column, absent.
      pages.data.add(v2
          ? DataPageV2.uncompressed(rows, rows - nonNull, rows, BytesInput.empty(), BytesInput.from(levels),
              valuesEncoding, BytesInput.from(values), noStatistics)
          : new DataPageV1(BytesInput.from(values), rows, values.length, noStatistics, Encoding.RLE, Encoding.RLE,
              valuesEncoding));
      pages.values += rows;
    }
    return rows;
  }

  /** A page body or v2 values section, decompressed when {@code compressed} (unless empty). */
  private static byte[] section(byte[] chunk, int from, int compressedSize, int uncompressedSize, boolean compressed,
      int page) {
    if (!compressed || compressedSize == 0 && uncompressedSize == 0) {
      return Arrays.copyOfRange(chunk, from, from + compressedSize); // sizes equal, checked by the caller
    }
    return ParquetPageContents.unsnappy(chunk, from, compressedSize, uncompressedSize, page);
  }

  private static void requireEqualSizes(boolean uncompressed, ParquetPageHeader header, String what) {
    if (uncompressed && header.compressedSize() != header.uncompressedSize()) {
      throw malformed(header.offset(), what + " at offset " + header.offset() + " has compressed_page_size "
          + header.compressedSize() + " != uncompressed_page_size " + header.uncompressedSize());
    }
  }

  private static void requirePresent(int value, int page, String struct, String field) {
    if (value == ParquetPageHeader.ABSENT) {
      throw malformed(page, "page header at offset " + page + ": " + struct + " lacks " + field);
    }
  }

  private static void requireNotNegative(int value, int page, String field) {
    if (value < 0) {
      throw malformed(page, "page header at offset " + page + ": " + field + " is negative");
    }
  }

  private static long u32(byte[] b, int at) {
    return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
  }

  /** The error every malformation raises, worded like the other reference decoders'. */
  static IllegalArgumentException malformed(long offset, String message) {
    return malformed(offset, message, null);
  }

  private static IllegalArgumentException malformed(long offset, String message, Throwable cause) {
    return new IllegalArgumentException("malformed " + ENCODING + " chunk at byte offset " + offset + ": " + message,
        cause);
  }

  /** A checked chunk: its rows, layout, physical type and definition level, and readers of its pages. */
  public static final class OpenChunk {
    private final Column column;
    private final Pages pages;

    private OpenChunk(Column column, Pages pages) {
      this.column = column;
      this.pages = pages;
    }

    public int rowCount() {
      return column.rowCount();
    }

    public PhysicalLayout layout() {
      return column.layout();
    }

    /** The Parquet physical type the pages hold (INT32 for FIXED4 ints, FLOAT for floats, ...). */
    public PrimitiveTypeName physicalType() {
      return column.physical();
    }

    /** 1 when rows may be null: a row is valid when the reader's definition level equals it. */
    public int maxDefinition() {
      return column.maxDefinition();
    }

    /** A new parquet-java column reader at row 0 (the chunk must have rows). */
    public ColumnReader reader() {
      Pages copy = pages.copy();
      return new ColumnReadStoreImpl(copy, new IgnoringConverter(), copy.schema(), "capsule")
          .getColumnReader(pages.descriptor);
    }
  }

  /** Rows as ColumnValues: null slots hold zero (the wasm decoder's choice too). */
  private static ColumnValues read(ColumnReader reader, OpenChunk open, ValueKind kind, int rows) {
    PhysicalLayout layout = open.layout();
    int maxDefinition = open.maxDefinition();
    byte[] validity = new byte[(rows + 7) / 8];
    int width = layout.byteWidth();
    byte[] data = new byte[layout.isFixedWidth() ? rows * width : (rows + 7) / 8];
    int[] offsets = layout.kind() == PhysicalLayout.Kind.VARIABLE ? new int[rows + 1] : null;
    ByteArrayOutputStream variable = new ByteArrayOutputStream();
    for (int i = 0; i < rows; i++) {
      if (reader.getCurrentDefinitionLevel() == maxDefinition) {
        validity[i >>> 3] |= (byte) (1 << (i & 7));
        switch (open.physicalType()) {
          case BOOLEAN -> {
            if (reader.getBoolean()) {
              data[i >>> 3] |= (byte) (1 << (i & 7));
            }
          }
          case INT32 -> FixedValues.store(data, i * width, reader.getInteger(), width); // the low 1, 2 or 4 bytes
          case INT64 -> FixedValues.putLong(data, i * 8, reader.getLong());
          case FLOAT -> FixedValues.putInt(data, i * 4, Float.floatToRawIntBits(reader.getFloat()));
          case DOUBLE -> FixedValues.putLong(data, i * 8, Double.doubleToRawLongBits(reader.getDouble()));
          case BINARY -> variable.writeBytes(reader.getBinary().getBytes());
          default -> { // INT96, FIXED_LEN_BYTE_ARRAY: the bytes as stored
            byte[] bytes = reader.getBinary().getBytes();
            if (bytes.length != width) {
              throw new IllegalStateException("parquet-java read " + bytes.length + " bytes of a " + width + "-byte value");
            }
            System.arraycopy(bytes, 0, data, i * width, width);
          }
        }
      }
      if (offsets != null) {
        offsets[i + 1] = variable.size();
      }
      reader.consume();
    }
    return new ColumnValues(layout, kind, rows, validity, offsets == null ? data : variable.toByteArray(), offsets);
  }

  /** A PageReadStore of one column whose pages are in memory. */
  private static final class Pages implements PageReadStore, PageReader {
    private final ColumnDescriptor descriptor;
    private DictionaryPage dictionary;
    private final Deque<DataPage> data = new ArrayDeque<>();
    private long values;

    Pages(ColumnDescriptor descriptor) {
      this.descriptor = descriptor;
    }

    /** The same pages for another reader (a reader consumes the pages it reads). */
    Pages copy() {
      Pages copy = new Pages(descriptor);
      copy.dictionary = dictionary;
      copy.data.addAll(data);
      copy.values = values;
      return copy;
    }

    MessageType schema() {
      PrimitiveType type = descriptor.getPrimitiveType();
      return new MessageType("chunk", type);
    }

    @Override
    public PageReader getPageReader(ColumnDescriptor column) {
      return this;
    }

    @Override
    public long getRowCount() {
      return values;
    }

    @Override
    public Optional<PrimitiveIterator.OfLong> getRowIndexes() {
      return Optional.empty();
    }

    @Override
    public DictionaryPage readDictionaryPage() {
      return dictionary;
    }

    @Override
    public long getTotalValueCount() {
      return values;
    }

    @Override
    public DataPage readPage() {
      return data.poll();
    }
  }

  private static final class IgnoringConverter extends GroupConverter {
    @Override
    public Converter getConverter(int fieldIndex) {
      return new PrimitiveConverter() {};
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }
}
