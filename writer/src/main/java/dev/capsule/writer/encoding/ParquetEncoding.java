package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import io.airlift.compress.snappy.SnappyCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.impl.ColumnWriteStoreV1;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriteStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.statistics.geospatial.GeospatialStatistics;
import org.apache.parquet.format.DataPageHeader;
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
 * capsule.parquet, the fallback: the chunk's values as a Parquet column chunk - an optional
 * dictionary page and v1 data pages, written by parquet-java itself (PLAIN or dictionary values,
 * RLE definition levels) and compressed with snappy when that makes the chunk smaller. It wins
 * where the other encodings have nothing to offer, free text above all, and its decoder module
 * decodes the pages in the sandbox like any other: the reader has no Parquet library.
 *
 * <p>Chunk: the standard header with flags 0 (validity comes from the definition levels), then u8
 * Parquet physical type, u8 codec (0 uncompressed, 1 snappy), u8 max definition level (0 or 1), a
 * reserved zero byte, u32 FIXED_LEN_BYTE_ARRAY width (else 0), and the pages to the end (SPEC.md
 * section 7.6).
 *
 * <p>Values are stored as the physical type of their layout, whatever the Arrow type: BIT as
 * BOOLEAN, FIXED1/2/4 as INT32, FIXED8 as INT64, other widths as FIXED_LEN_BYTE_ARRAY, VARIABLE as
 * BYTE_ARRAY; floats go as the integers of their bits, so dictionaries compare bit patterns.
 *
 * <p>The size is known only by encoding, so {@link #estimateSize} encodes, and {@link #encode}
 * reuses those bytes through the analysis.
 */
final class ParquetEncoding extends ShippedEncoding {
  static final String NAME = "capsule.parquet";

  /** Payload header: physical type, codec, max definition level, reserved, u32 type length. */
  static final int PAYLOAD_HEADER = 8;
  static final int CODEC_UNCOMPRESSED = 0;
  static final int CODEC_SNAPPY = 1;

  /** parquet-java's defaults: 1 MiB pages of at most 20,000 rows, dictionaries up to 1 MiB. */
  private static final ParquetProperties PROPERTIES = ParquetProperties.builder()
      .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
      .withDictionaryEncoding(true)
      .withStatisticsEnabled(false)
      .withSizeStatisticsEnabled(false)
      .build();

  ParquetEncoding() {
    super("parquet");
  }

  @Override
  public boolean supports(ColumnAnalysis analysis) {
    return true;
  }

  @Override
  public long estimateSize(ColumnAnalysis analysis) {
    return chunk(analysis).length;
  }

  @Override
  public byte[] encode(ColumnValues values, ColumnAnalysis analysis) {
    analysis.requireDescribes(values, NAME);
    if (analysis.values() != values) {
      throw new IllegalArgumentException(NAME + ": the analysis is of other values");
    }
    return chunk(analysis);
  }

  private byte[] chunk(ColumnAnalysis analysis) {
    return analysis.encodedBy(this, () -> encodeChunk(analysis.values()));
  }

  private static byte[] encodeChunk(ColumnValues values) {
    PhysicalLayout layout = values.layout();
    boolean optional = values.nullCount() > 0;
    PrimitiveTypeName physical = physicalType(layout);
    int typeLength = physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY ? layout.byteWidth() : 0;
    Repetition repetition = optional ? Repetition.OPTIONAL : Repetition.REQUIRED;
    MessageType schema = typeLength > 0
        ? Types.buildMessage().primitive(physical, repetition).length(typeLength).named("v").named("chunk")
        : Types.buildMessage().primitive(physical, repetition).named("v").named("chunk");
    ColumnDescriptor column = schema.getColumns().get(0);
    Pages pages = new Pages();
    ColumnWriteStoreV1 store = new ColumnWriteStoreV1(schema, pages, PROPERTIES);
    ColumnWriter writer = store.getColumnWriter(column);
    int maxDefinition = optional ? 1 : 0;
    for (int row = 0; row < values.rowCount(); row++) {
      if (values.isValid(row)) {
        writeValue(writer, physical, values, row, maxDefinition);
      } else {
        writer.writeNull(0, 0);
      }
      store.endRecord();
    }
    store.flush();
    store.close();
    return pages.chunk(values, physical, maxDefinition, typeLength);
  }

  static PrimitiveTypeName physicalType(PhysicalLayout layout) {
    switch (layout.kind()) {
      case BIT:
        return PrimitiveTypeName.BOOLEAN;
      case VARIABLE:
        return PrimitiveTypeName.BINARY;
      default:
        switch (layout.byteWidth()) {
          case 1:
          case 2:
          case 4:
            return PrimitiveTypeName.INT32;
          case 8:
            return PrimitiveTypeName.INT64;
          default:
            return PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
        }
    }
  }

  private static void writeValue(ColumnWriter writer, PrimitiveTypeName physical, ColumnValues values, int row,
      int definition) {
    byte[] data = values.data();
    int width = values.layout().byteWidth();
    switch (physical) {
      case BOOLEAN:
        writer.write(FixedValues.bit(data, row), 0, definition);
        break;
      case INT32: // FIXED1, FIXED2 and FIXED4: the decoder keeps the low bytes
        writer.write((int) FixedValues.load(data, row, width, true), 0, definition);
        break;
      case INT64:
        writer.write(FixedValues.load(data, row, 8, false), 0, definition);
        break;
      case FIXED_LEN_BYTE_ARRAY:
        writer.write(Binary.fromConstantByteArray(data, row * width, width), 0, definition);
        break;
      default: { // BYTE_ARRAY
        int[] offsets = values.offsets();
        writer.write(Binary.fromConstantByteArray(data, offsets[row], offsets[row + 1] - offsets[row]), 0, definition);
      }
    }
  }

  /** The pages parquet-java hands over, kept in memory and laid out as a capsule.parquet chunk. */
  private static final class Pages implements PageWriteStore, PageWriter {
    private record Page(byte[] body, int valueCount, org.apache.parquet.column.Encoding definitionLevels,
        org.apache.parquet.column.Encoding values) {}

    private DictionaryPage dictionary;
    private byte[] dictionaryBody;
    private final List<Page> data = new ArrayList<>();
    private long bufferedBytes;

    @Override
    public PageWriter getPageWriter(ColumnDescriptor path) {
      return this;
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, Statistics<?> statistics,
        org.apache.parquet.column.Encoding rlEncoding, org.apache.parquet.column.Encoding dlEncoding,
        org.apache.parquet.column.Encoding valuesEncoding) throws IOException {
      writePage(bytes, valueCount, valueCount, statistics, rlEncoding, dlEncoding, valuesEncoding);
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
        org.apache.parquet.column.Encoding rlEncoding, org.apache.parquet.column.Encoding dlEncoding,
        org.apache.parquet.column.Encoding valuesEncoding) throws IOException {
      byte[] body = bytes.toByteArray();
      bufferedBytes += body.length;
      data.add(new Page(body, valueCount, dlEncoding, valuesEncoding));
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
        SizeStatistics sizeStatistics, org.apache.parquet.column.Encoding rlEncoding,
        org.apache.parquet.column.Encoding dlEncoding, org.apache.parquet.column.Encoding valuesEncoding)
        throws IOException {
      writePage(bytes, valueCount, rowCount, statistics, rlEncoding, dlEncoding, valuesEncoding);
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
        SizeStatistics sizeStatistics, GeospatialStatistics geospatialStatistics,
        org.apache.parquet.column.Encoding rlEncoding, org.apache.parquet.column.Encoding dlEncoding,
        org.apache.parquet.column.Encoding valuesEncoding) throws IOException {
      writePage(bytes, valueCount, rowCount, statistics, rlEncoding, dlEncoding, valuesEncoding);
    }

    @Override
    public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels,
        BytesInput definitionLevels, org.apache.parquet.column.Encoding dataEncoding, BytesInput data,
        Statistics<?> statistics) {
      throw new UnsupportedOperationException("capsule.parquet writes v1 data pages");
    }

    @Override
    public void writeDictionaryPage(DictionaryPage page) throws IOException {
      dictionary = page;
      dictionaryBody = page.getBytes().toByteArray();
    }

    @Override
    public void close() {}

    @Override
    public long getMemSize() {
      return bufferedBytes;
    }

    @Override
    public long allocatedSize() {
      return bufferedBytes;
    }

    @Override
    public String memUsageString(String prefix) {
      return prefix + " capsule.parquet pages: " + bufferedBytes + " bytes";
    }

    /** Header, payload header, pages; snappy only if it makes the pages smaller. */
    byte[] chunk(ColumnValues values, PrimitiveTypeName physical, int maxDefinition, int typeLength) {
      byte[][] raw = bodies();
      byte[][] snappy = compress(raw);
      boolean compress = total(snappy) < total(raw);
      byte[][] bodies = compress ? snappy : raw;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        int page = 0;
        if (dictionary != null) {
          PageHeader header = new PageHeader(PageType.DICTIONARY_PAGE, raw[page].length, bodies[page].length);
          header.setDictionary_page_header(new DictionaryPageHeader(dictionary.getDictionarySize(),
              format(dictionary.getEncoding())));
          Util.writePageHeader(header, out);
          out.write(bodies[page++]);
        }
        for (Page p : data) {
          PageHeader header = new PageHeader(PageType.DATA_PAGE, raw[page].length, bodies[page].length);
          header.setData_page_header(new DataPageHeader(p.valueCount, format(p.values), format(p.definitionLevels),
              org.apache.parquet.format.Encoding.RLE));
          Util.writePageHeader(header, out);
          out.write(bodies[page++]);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e); // in memory: cannot happen
      }
      byte[] pages = out.toByteArray();
      ChunkWriter chunk = ChunkWriter.start(NAME, ChunkWriter.HEADER_SIZE + PAYLOAD_HEADER + (long) pages.length,
          withoutValidity(values));
      chunk.u8(physicalTypeCode(physical));
      chunk.u8(compress ? CODEC_SNAPPY : CODEC_UNCOMPRESSED);
      chunk.u8(maxDefinition);
      chunk.u8(0);
      chunk.u32(typeLength);
      chunk.bytes(pages, 0, pages.length);
      return chunk.finish();
    }

    private byte[][] bodies() {
      byte[][] bodies = new byte[(dictionary == null ? 0 : 1) + data.size()][];
      int i = 0;
      if (dictionary != null) {
        bodies[i++] = dictionaryBody;
      }
      for (Page p : data) {
        bodies[i++] = p.body;
      }
      return bodies;
    }

    private static byte[][] compress(byte[][] bodies) {
      SnappyCompressor snappy = new SnappyCompressor();
      byte[][] out = new byte[bodies.length][];
      for (int i = 0; i < bodies.length; i++) {
        byte[] buffer = new byte[snappy.maxCompressedLength(bodies[i].length)];
        int length = snappy.compress(bodies[i], 0, bodies[i].length, buffer, 0, buffer.length);
        out[i] = Arrays.copyOf(buffer, length);
      }
      return out;
    }

    private static long total(byte[][] bodies) {
      long total = 0;
      for (byte[] body : bodies) {
        total += body.length;
      }
      return total;
    }
  }

  /** The standard header of this chunk has no validity bitmap: the pages carry the nulls. */
  private static ColumnValues withoutValidity(ColumnValues values) {
    return values.validity() == null ? values
        : new ColumnValues(values.layout(), values.kind(), values.rowCount(), null, values.data(), values.offsets());
  }

  private static org.apache.parquet.format.Encoding format(org.apache.parquet.column.Encoding encoding) {
    return org.apache.parquet.format.Encoding.valueOf(encoding.name());
  }

  /** Parquet's Type enum: BOOLEAN 0, INT32 1, INT64 2, INT96 3, FLOAT 4, DOUBLE 5, BYTE_ARRAY 6, FLBA 7. */
  static int physicalTypeCode(PrimitiveTypeName physical) {
    switch (physical) {
      case BOOLEAN:
        return 0;
      case INT32:
        return 1;
      case INT64:
        return 2;
      case BINARY:
        return 6;
      case FIXED_LEN_BYTE_ARRAY:
        return 7;
      default:
        throw new IllegalArgumentException("capsule.parquet does not write " + physical);
    }
  }
}
