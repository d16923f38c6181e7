package dev.capsule.writer;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.decoders.ParquetChunks;
import dev.capsule.decoders.ParquetChunks.Capture;
import dev.capsule.decoders.ParquetChunks.Captured;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.writer.encoding.ColumnAnalysis;
import dev.capsule.writer.encoding.Encoding;
import dev.capsule.writer.encoding.Encodings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.impl.ColumnWriteStoreV1;
import org.apache.parquet.column.impl.ColumnWriteStoreV2;
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
    head.put((byte) ParquetChunks.physicalType(physical)).put((byte) 1 /* SNAPPY */).put((byte) definition)
        .put((byte) 0).putInt(typeLength);
    out.writeBytes(head.array());
    try {
      if (pages.dictionary != null) {
        byte[] raw = pages.dictionary.values();
        byte[] body = ParquetChunks.compress(raw, ParquetChunks.SNAPPY);
        PageHeader h = new PageHeader(PageType.DICTIONARY_PAGE, raw.length, body.length);
        h.setDictionary_page_header(new DictionaryPageHeader(pages.dictionary.valueCount(),
            ParquetChunks.format(pages.dictionary.encoding())));
        Util.writePageHeader(h, out);
        out.writeBytes(body);
      }
      for (int i = 0; i < pages.data.size(); i++) {
        Captured p = pages.data.get(i);
        if ((p.levels() != null) != v2) {
          throw new AssertionError("parquet-java wrote a " + (v2 ? "v1" : "v2") + " page");
        }
        if (p.levels() == null) { // v1: levels and values, compressed together
          byte[] body = ParquetChunks.compress(p.values(), ParquetChunks.SNAPPY);
          PageHeader h = new PageHeader(PageType.DATA_PAGE, p.values().length, body.length);
          h.setData_page_header(new DataPageHeader(p.valueCount(), ParquetChunks.format(p.encoding()),
              ParquetChunks.format(p.dlEncoding()), org.apache.parquet.format.Encoding.RLE));
          Util.writePageHeader(h, out);
          out.writeBytes(body);
        } else { // v2: levels never compressed; values on two pages of three
          boolean compressed = i % 3 != 2;
          byte[] section = compressed ? ParquetChunks.compress(p.values(), ParquetChunks.SNAPPY) : p.values();
          PageHeader h = new PageHeader(PageType.DATA_PAGE_V2, p.levels().length + p.values().length,
              p.levels().length + section.length);
          DataPageHeaderV2 header = new DataPageHeaderV2(p.rowCount(), p.nullCount(), p.rowCount(),
              ParquetChunks.format(p.encoding()), p.levels().length, 0);
          header.setIs_compressed(compressed);
          h.setData_page_header_v2(header);
          Util.writePageHeader(h, out);
          out.writeBytes(p.levels());
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
}
