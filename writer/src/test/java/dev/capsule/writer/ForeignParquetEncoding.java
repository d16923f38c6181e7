package dev.capsule.writer;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.writer.encoding.ColumnAnalysis;
import dev.capsule.writer.encoding.Encoding;
import dev.capsule.writer.encoding.Encodings;
import io.airlift.compress.snappy.SnappyCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.impl.ColumnWriteStoreV1;
import org.apache.parquet.column.impl.ColumnWriteStoreV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriteStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.statistics.geospatial.GeospatialStatistics;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * capsule.parquet chunks as other Parquet writers make them, which the reference writer never
 * does but SPEC.md section 7.6 allows: floats as FLOAT and DOUBLE, FIXED12 as INT96, the other
 * fixed widths (1, 2, 4 and 8 bytes included) as FIXED_LEN_BYTE_ARRAY, and, with {@code v2},
 * DATA_PAGE_V2 pages whose values sections are snappy-compressed on two pages of three. Pages hold
 * at most 50 rows. The decoder is the shipped capsule.parquet module, so files written with it
 * test the wasm decoder and the reference decoder on such chunks.
 */
final class ForeignParquetEncoding implements Encoding {
  private final String name;
  private final boolean v2;
  private final boolean floats;

  /**
   * @param floats the column holds float32 or float64 values: stored as FLOAT or DOUBLE (other bit
   *     patterns would not survive, parquet-java canonicalizes NaNs)
   */
  ForeignParquetEncoding(boolean v2, boolean floats) {
    this.name = "test.parquet-" + (v2 ? "v2" : "v1");
    this.v2 = v2;
    this.floats = floats;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String decoderModule() {
    return Encodings.parquet().decoderModule();
  }

  @Override
  public byte[] decoderModuleBytes() {
    return Encodings.parquet().decoderModuleBytes();
  }

  @Override
  public boolean supports(ColumnAnalysis analysis) {
    return true;
  }

  @Override
  public long estimateSize(ColumnAnalysis analysis) {
    return Long.MAX_VALUE / 2; // only ever forced
  }

  /** The physical type this encoding stores a layout as. */
  PrimitiveTypeName physicalType(PhysicalLayout layout) {
    if (layout.kind() == PhysicalLayout.Kind.BIT) {
      return PrimitiveTypeName.BOOLEAN;
    }
    if (layout.kind() == PhysicalLayout.Kind.VARIABLE) {
      return PrimitiveTypeName.BINARY;
    }
    int w = layout.byteWidth();
    if (floats && w == 4) {
      return PrimitiveTypeName.FLOAT;
    }
    if (floats && w == 8) {
      return PrimitiveTypeName.DOUBLE;
    }
    return w == 12 ? PrimitiveTypeName.INT96 : PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
  }

  @Override
  public byte[] encode(ColumnValues values, ColumnAnalysis analysis) {
    PhysicalLayout layout = values.layout();
    PrimitiveTypeName physical = physicalType(layout);
    boolean optional = values.nullCount() > 0;
    int typeLength = physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY ? layout.byteWidth() : 0;
    var builder = Types.buildMessage().primitive(physical, optional ? Repetition.OPTIONAL : Repetition.REQUIRED);
    MessageType schema = (typeLength > 0 ? builder.length(typeLength) : builder).named("v").named("chunk");
    ColumnDescriptor column = schema.getColumns().get(0);
    ParquetProperties properties = ParquetProperties.builder()
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0) // PLAIN and PLAIN_DICTIONARY values
        .withDictionaryEncoding(true)
        .withPageRowCountLimit(50)
        .withMinRowCountForPageSizeCheck(1)
        .withMaxRowCountForPageSizeCheck(16)
        .withStatisticsEnabled(false)
        .build();
    Capture pages = new Capture();
    ColumnWriteStore store = v2 ? new ColumnWriteStoreV2(schema, pages, properties)
        : new ColumnWriteStoreV1(schema, pages, properties);
    ColumnWriter writer = store.getColumnWriter(column);
    int definition = optional ? 1 : 0;
    ByteBuffer data = ByteBuffer.wrap(values.data()).order(ByteOrder.LITTLE_ENDIAN);
    int w = layout.byteWidth();
    for (int row = 0; row < values.rowCount(); row++) {
      if (!values.isValid(row)) {
        writer.writeNull(0, 0);
      } else {
        switch (physical) {
          case BOOLEAN -> writer.write((values.data()[row >>> 3] >>> (row & 7) & 1) != 0, 0, definition);
          case FLOAT -> writer.write(Float.intBitsToFloat(data.getInt(row * 4)), 0, definition);
          case DOUBLE -> writer.write(Double.longBitsToDouble(data.getLong(row * 8)), 0, definition);
          case BINARY -> {
            int[] offsets = values.offsets();
            writer.write(Binary.fromConstantByteArray(values.data(), offsets[row], offsets[row + 1] - offsets[row]),
                0, definition);
          }
          default -> writer.write(Binary.fromConstantByteArray(values.data(), row * w, w), 0, definition);
        }
      }
      store.endRecord();
    }
    store.flush();
    store.close();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer head = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    head.putInt(values.rowCount()).put((byte) layout.code()).put((byte) 0).putShort((short) 0);
    head.put((byte) physicalCode(physical)).put((byte) 1 /* SNAPPY */).put((byte) definition).put((byte) 0)
        .putInt(typeLength);
    out.writeBytes(head.array());
    try {
      if (pages.dictionary != null) {
        byte[] raw = pages.dictionary;
        byte[] body = snappy(raw);
        PageHeader h = new PageHeader(PageType.DICTIONARY_PAGE, raw.length, body.length);
        h.setDictionary_page_header(new DictionaryPageHeader(pages.dictionarySize, format(pages.dictionaryEncoding)));
        Util.writePageHeader(h, out);
        out.writeBytes(body);
      }
      for (int i = 0; i < pages.data.size(); i++) {
        Page p = pages.data.get(i);
        if ((p.levels != null) != v2) {
          throw new AssertionError("parquet-java wrote a " + (v2 ? "v1" : "v2") + " page");
        }
        if (p.levels == null) { // v1: levels and values, compressed together
          byte[] body = snappy(p.values);
          PageHeader h = new PageHeader(PageType.DATA_PAGE, p.values.length, body.length);
          h.setData_page_header(new DataPageHeader(p.rows, format(p.encoding), format(p.definitionEncoding),
              org.apache.parquet.format.Encoding.RLE));
          Util.writePageHeader(h, out);
          out.writeBytes(body);
        } else { // v2: levels never compressed; values on two pages of three
          boolean compressed = i % 3 != 2;
          byte[] section = compressed ? snappy(p.values) : p.values;
          PageHeader h = new PageHeader(PageType.DATA_PAGE_V2, p.levels.length + p.values.length,
              p.levels.length + section.length);
          DataPageHeaderV2 header = new DataPageHeaderV2(p.rows, p.nulls, p.rows, format(p.encoding), p.levels.length, 0);
          header.setIs_compressed(compressed);
          h.setData_page_header_v2(header);
          Util.writePageHeader(h, out);
          out.writeBytes(p.levels);
          out.writeBytes(section);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (pages.data.size() < 2 && values.rowCount() > 100) {
      throw new AssertionError("expected several pages, got " + pages.data.size());
    }
    return out.toByteArray();
  }

  private static byte[] snappy(byte[] raw) {
    SnappyCompressor compressor = new SnappyCompressor();
    byte[] buffer = new byte[compressor.maxCompressedLength(raw.length)];
    return Arrays.copyOf(buffer, compressor.compress(raw, 0, raw.length, buffer, 0, buffer.length));
  }

  private static org.apache.parquet.format.Encoding format(org.apache.parquet.column.Encoding encoding) {
    return org.apache.parquet.format.Encoding.valueOf(encoding.name());
  }

  private static int physicalCode(PrimitiveTypeName type) {
    return switch (type) {
      case BOOLEAN -> 0;
      case INT32 -> 1;
      case INT64 -> 2;
      case INT96 -> 3;
      case FLOAT -> 4;
      case DOUBLE -> 5;
      case BINARY -> 6;
      case FIXED_LEN_BYTE_ARRAY -> 7;
    };
  }

  /** A data page as parquet-java hands it over; levels null for v1 (they are in values). */
  private record Page(int rows, int nulls, byte[] levels, byte[] values, org.apache.parquet.column.Encoding encoding,
      org.apache.parquet.column.Encoding definitionEncoding) {}

  /** The pages of the one column, kept in memory. */
  private static final class Capture implements PageWriteStore, PageWriter {
    byte[] dictionary;
    int dictionarySize;
    org.apache.parquet.column.Encoding dictionaryEncoding;
    final List<Page> data = new ArrayList<>();

    @Override
    public PageWriter getPageWriter(ColumnDescriptor path) {
      return this;
    }

    @Override
    @Deprecated
    public void writePage(BytesInput bytes, int valueCount, Statistics<?> statistics,
        org.apache.parquet.column.Encoding rl, org.apache.parquet.column.Encoding dl,
        org.apache.parquet.column.Encoding values) throws IOException {
      writePage(bytes, valueCount, valueCount, statistics, rl, dl, values);
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
        org.apache.parquet.column.Encoding rl, org.apache.parquet.column.Encoding dl,
        org.apache.parquet.column.Encoding values) throws IOException {
      data.add(new Page(valueCount, 0, null, bytes.toByteArray(), values, dl));
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
        SizeStatistics sizes, org.apache.parquet.column.Encoding rl, org.apache.parquet.column.Encoding dl,
        org.apache.parquet.column.Encoding values) throws IOException {
      writePage(bytes, valueCount, rowCount, statistics, rl, dl, values);
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
        SizeStatistics sizes, GeospatialStatistics geo, org.apache.parquet.column.Encoding rl,
        org.apache.parquet.column.Encoding dl, org.apache.parquet.column.Encoding values) throws IOException {
      writePage(bytes, valueCount, rowCount, statistics, rl, dl, values);
    }

    @Override
    public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput rl, BytesInput dl,
        org.apache.parquet.column.Encoding encoding, BytesInput values, Statistics<?> statistics,
        SizeStatistics sizes, GeospatialStatistics geo) throws IOException {
      writePageV2(rowCount, nullCount, valueCount, rl, dl, encoding, values, statistics);
    }

    @Override
    public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput rl, BytesInput dl,
        org.apache.parquet.column.Encoding encoding, BytesInput values, Statistics<?> statistics) throws IOException {
      data.add(new Page(rowCount, nullCount, dl.toByteArray(), values.toByteArray(), encoding,
          org.apache.parquet.column.Encoding.RLE));
    }

    @Override
    public void writeDictionaryPage(DictionaryPage page) throws IOException {
      dictionary = page.getBytes().toByteArray();
      dictionarySize = page.getDictionarySize();
      dictionaryEncoding = page.getEncoding();
    }

    @Override
    public void close() {}

    @Override
    public long getMemSize() {
      return 0;
    }

    @Override
    public long allocatedSize() {
      return 0;
    }

    @Override
    public String memUsageString(String prefix) {
      return prefix + " capture";
    }
  }
}
