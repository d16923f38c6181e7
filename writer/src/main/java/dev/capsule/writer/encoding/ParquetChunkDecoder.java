package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.decoders.ValueKind;
import dev.capsule.decoders.reference.ReferenceDecoder;
import dev.capsule.format.PhysicalLayout;
import io.airlift.compress.snappy.SnappyDecompressor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * The plain-Java decoder of capsule.parquet chunks: parquet-java's own page and column readers, fed
 * the chunk's pages. It is the reference the wasm module is tested against (the same pages decoded
 * by the library that wrote them) and the plain-Java peer in the benchmarks. It reads the v1 data
 * pages the writer produces.
 */
public final class ParquetChunkDecoder implements ReferenceDecoder {
  @Override
  public String module() {
    return "parquet";
  }

  @Override
  public ColumnValues decode(byte[] chunk, ValueKind kind, int firstRow, int rowCount) {
    OpenChunk open = open(chunk);
    require(firstRow >= 0 && rowCount >= 0 && (long) firstRow + rowCount <= open.rowCount(), 0,
        "rows [" + firstRow + ", " + ((long) firstRow + rowCount) + ") are not within a chunk of " + open.rowCount() + " rows");
    if (rowCount == 0) { // parquet-java has no reader for a column without values
      return new ColumnValues(open.layout(), kind, 0, null, new byte[0],
          open.layout().kind() == PhysicalLayout.Kind.VARIABLE ? new int[1] : null);
    }
    ColumnReader reader = open.reader();
    for (int i = 0; i < firstRow; i++) {
      if (reader.getCurrentDefinitionLevel() == open.maxDefinition()) {
        reader.skip(); // a value not read must be skipped before moving on
      }
      reader.consume();
    }
    return read(reader, open.layout(), kind, open.maxDefinition(), rowCount);
  }

  /**
   * A capsule.parquet chunk parsed for parquet-java: header checked, pages decompressed once.
   *
   * @throws IllegalArgumentException if the chunk is malformed
   */
  public static OpenChunk open(byte[] chunk) {
    ByteBuffer in = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    require(chunk.length >= ChunkWriter.HEADER_SIZE + ParquetEncoding.PAYLOAD_HEADER, 0, "chunk too short");
    int n = in.getInt(0);
    require(n >= 0, 0, "row count " + Integer.toUnsignedString(n));
    PhysicalLayout layout = PhysicalLayout.fromCode(chunk[4] & 0xFF);
    require(chunk[5] == 0 && in.getShort(6) == 0, 5, "flags and reserved bytes must be 0");
    int physical = chunk[8];
    int codec = chunk[9];
    int maxDefinition = chunk[10];
    int typeLength = in.getInt(12);
    require(physical == ParquetEncoding.physicalTypeCode(ParquetEncoding.physicalType(layout)), 8,
        "physical type " + physical + " does not match layout " + layout);
    require(codec == ParquetEncoding.CODEC_UNCOMPRESSED || codec == ParquetEncoding.CODEC_SNAPPY, 9, "codec " + codec);
    require(maxDefinition == 0 || maxDefinition == 1, 10, "max definition level " + maxDefinition);
    ColumnDescriptor column = schema(layout, maxDefinition, typeLength).getColumns().get(0);
    Pages pages = readPages(chunk, ChunkWriter.HEADER_SIZE + ParquetEncoding.PAYLOAD_HEADER,
        codec == ParquetEncoding.CODEC_SNAPPY, column.getPrimitiveType());
    return new OpenChunk(n, layout, maxDefinition, column, pages);
  }

  /** A parsed chunk: its rows, layout and definition level, and parquet-java readers of its pages. */
  public static final class OpenChunk {
    private final int rowCount;
    private final PhysicalLayout layout;
    private final int maxDefinition;
    private final ColumnDescriptor column;
    private final Pages pages;

    private OpenChunk(int rowCount, PhysicalLayout layout, int maxDefinition, ColumnDescriptor column, Pages pages) {
      this.rowCount = rowCount;
      this.layout = layout;
      this.maxDefinition = maxDefinition;
      this.column = column;
      this.pages = pages;
    }

    public int rowCount() {
      return rowCount;
    }

    public PhysicalLayout layout() {
      return layout;
    }

    /** 1 when rows may be null: a row is valid when the reader's definition level equals it. */
    public int maxDefinition() {
      return maxDefinition;
    }

    /** A new parquet-java column reader at row 0 (the chunk must have rows). */
    public ColumnReader reader() {
      Pages copy = pages.copy();
      return new ColumnReadStoreImpl(copy, new IgnoringConverter(), copy.schema(column), "capsule").getColumnReader(column);
    }
  }

  private static MessageType schema(PhysicalLayout layout, int maxDefinition, int typeLength) {
    PrimitiveTypeName physical = ParquetEncoding.physicalType(layout);
    Repetition repetition = maxDefinition == 1 ? Repetition.OPTIONAL : Repetition.REQUIRED;
    return typeLength > 0
        ? Types.buildMessage().primitive(physical, repetition).length(typeLength).named("v").named("chunk")
        : Types.buildMessage().primitive(physical, repetition).named("v").named("chunk");
  }

  /** Rows as ColumnValues: null slots hold zero (the wasm decoder's choice too). */
  private static ColumnValues read(ColumnReader reader, PhysicalLayout layout, ValueKind kind, int maxDefinition,
      int rows) {
    byte[] validity = new byte[(rows + 7) / 8];
    int width = layout.byteWidth();
    byte[] data = new byte[layout.isFixedWidth() ? rows * width : (rows + 7) / 8];
    int[] offsets = layout.kind() == PhysicalLayout.Kind.VARIABLE ? new int[rows + 1] : null;
    java.io.ByteArrayOutputStream variable = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < rows; i++) {
      if (reader.getCurrentDefinitionLevel() == maxDefinition) {
        validity[i >>> 3] |= (byte) (1 << (i & 7));
        switch (layout.kind()) {
          case BIT:
            if (reader.getBoolean()) {
              data[i >>> 3] |= (byte) (1 << (i & 7));
            }
            break;
          case VARIABLE: {
            byte[] bytes = reader.getBinary().getBytes();
            variable.writeBytes(bytes);
            break;
          }
          default:
            if (width == 8) {
              FixedValues.putLong(data, i * 8, reader.getLong());
            } else if (width == 1 || width == 2 || width == 4) {
              FixedValues.store(data, i * width, reader.getInteger(), width);
            } else {
              System.arraycopy(reader.getBinary().getBytes(), 0, data, i * width, width);
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

  /** The pages of the chunk from {@code offset} to its end, decompressed. */
  private static Pages readPages(byte[] chunk, int offset, boolean snappy,
      org.apache.parquet.schema.PrimitiveType type) {
    Pages pages = new Pages();
    ByteArrayInputStream in = new ByteArrayInputStream(chunk, offset, chunk.length - offset);
    try {
      while (in.available() > 0) {
        int at = chunk.length - in.available();
        PageHeader header = Util.readPageHeader(in);
        int compressed = header.getCompressed_page_size();
        int uncompressed = header.getUncompressed_page_size();
        require(compressed >= 0 && compressed <= in.available(), at, "page of " + compressed + " bytes overruns the chunk");
        byte[] body = in.readNBytes(compressed);
        byte[] bytes = snappy ? unsnappy(body, uncompressed, at) : body;
        require(bytes.length == uncompressed, at, "page holds " + bytes.length + " bytes, its header says " + uncompressed);
        if (header.getType() == PageType.DICTIONARY_PAGE) {
          require(pages.dictionary == null && pages.data.isEmpty(), at, "the dictionary page must come first, once");
          pages.dictionary = new DictionaryPage(BytesInput.from(bytes), header.getDictionary_page_header().getNum_values(),
              Encoding.valueOf(header.getDictionary_page_header().getEncoding().name()));
        } else {
          require(header.getType() == PageType.DATA_PAGE, at, "page type " + header.getType() + " (v1 data pages only)");
          var data = header.getData_page_header();
          pages.data.add(new DataPageV1(BytesInput.from(bytes), data.getNum_values(), uncompressed,
              Statistics.noopStats(type), Encoding.RLE, Encoding.valueOf(data.getDefinition_level_encoding().name()),
              Encoding.valueOf(data.getEncoding().name())));
          pages.values += data.getNum_values();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed capsule.parquet chunk: " + e.getMessage(), e);
    }
    return pages;
  }

  private static byte[] unsnappy(byte[] body, int uncompressed, int at) {
    byte[] out = new byte[uncompressed];
    int length;
    try {
      length = new SnappyDecompressor().decompress(body, 0, body.length, out, 0, out.length);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed capsule.parquet chunk at byte offset " + at + ": snappy: " + e.getMessage(), e);
    }
    return length == out.length ? out : Arrays.copyOf(out, length);
  }

  private static void require(boolean condition, int offset, String message) {
    if (!condition) {
      throw new IllegalArgumentException("malformed capsule.parquet chunk at byte offset " + offset + ": " + message);
    }
  }

  /** A PageReadStore of one column whose pages are in memory. */
  private static final class Pages implements PageReadStore, PageReader {
    private DictionaryPage dictionary;
    private final Deque<DataPage> data = new ArrayDeque<>();
    private long values;

    /** The same pages for another reader (a reader consumes the pages it reads). */
    Pages copy() {
      Pages copy = new Pages();
      copy.dictionary = dictionary;
      copy.data.addAll(data);
      copy.values = values;
      return copy;
    }

    MessageType schema(ColumnDescriptor column) {
      return new MessageType("chunk", column.getPrimitiveType());
    }

    @Override
    public PageReader getPageReader(ColumnDescriptor descriptor) {
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
