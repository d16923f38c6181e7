package dev.capsule.decoders;

import dev.capsule.format.PhysicalLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.Encoding;
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
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.xerial.snappy.Snappy;

/**
 * capsule.parquet chunks (SPEC.md) built from pages that parquet-java's own column writers
 * produce: a {@link PageWriteStore} captures the pages, their headers are serialized with
 * parquet-format's Thrift classes, and snappy-java compresses them. Public for the writer's tests
 * (decoders-wasm's test-jar), which build chunks of their own from the same captured pages.
 */
public final class ParquetChunks {
  private ParquetChunks() {}

  static final int UNCOMPRESSED = 0;
  public static final int SNAPPY = 1;

  /** The capsule.parquet physical type byte of a Parquet type. */
  public static int physicalType(PrimitiveTypeName t) {
    switch (t) {
      case BOOLEAN: return 0;
      case INT32: return 1;
      case INT64: return 2;
      case INT96: return 3;
      case FLOAT: return 4;
      case DOUBLE: return 5;
      case BINARY: return 6;
      case FIXED_LEN_BYTE_ARRAY: return 7;
      default: throw new IllegalArgumentException(t.toString());
    }
  }

  /** The natural layout code of a Parquet type: INT32 -> FIXED4, FLBA(w) -> FIXEDw, ... */
  static int layoutCode(PrimitiveTypeName t, int typeLength) {
    switch (t) {
      case BOOLEAN: return 0;
      case INT32:
      case FLOAT: return 4;
      case INT64:
      case DOUBLE: return 8;
      case INT96: return 12;
      case BINARY: return 255;
      case FIXED_LEN_BYTE_ARRAY: return typeLength;
      default: throw new IllegalArgumentException(t.toString());
    }
  }

  /**
   * How parquet-java writes the pages.
   *
   * @param v2Pages DATA_PAGE_V2 (ColumnWriteStoreV2) instead of DATA_PAGE
   * @param writerV2 PARQUET_2_0 value writers: RLE_DICTIONARY data pages (and DELTA_* on fallback,
   *     which capsule.parquet rejects); PARQUET_1_0: PLAIN_DICTIONARY and PLAIN
   * @param statistics page statistics in the headers (a nested struct the decoder skips)
   * @param crc page CRC in the headers
   */
  record Options(boolean v2Pages, boolean dictionary, boolean writerV2, int codec, int pageRowLimit,
                 int pageSize, int dictionaryPageSize, boolean statistics, boolean crc) {
    static Options defaults() {
      return new Options(false, true, false, UNCOMPRESSED, 20_000, 1 << 20, 1 << 20, false, false);
    }

    Options pages(boolean v2) {
      return new Options(v2, dictionary, writerV2, codec, pageRowLimit, pageSize, dictionaryPageSize, statistics, crc);
    }

    Options dictionary(boolean on, boolean rleDictionary) {
      return new Options(v2Pages, on, rleDictionary, codec, pageRowLimit, pageSize, dictionaryPageSize, statistics, crc);
    }

    Options codec(int c) {
      return new Options(v2Pages, dictionary, writerV2, c, pageRowLimit, pageSize, dictionaryPageSize, statistics, crc);
    }

    Options limits(int rows, int bytes, int dictionaryBytes) {
      return new Options(v2Pages, dictionary, writerV2, codec, rows, bytes, dictionaryBytes, statistics, crc);
    }

    Options extras(boolean stats, boolean checksum) {
      return new Options(v2Pages, dictionary, writerV2, codec, pageRowLimit, pageSize, dictionaryPageSize, stats, checksum);
    }
  }

  /** One page as parquet-java handed it over (uncompressed). */
  public record Captured(PageType type, int valueCount, int rowCount, int nullCount, Encoding encoding,
                  Encoding dlEncoding, byte[] levels, byte[] values, Statistics<?> stats) {}

  /** Pages of one column in the order of a Parquet file: the dictionary page first. */
  public static final class Capture implements PageWriteStore, PageWriter {
    public Captured dictionary;
    public final List<Captured> data = new ArrayList<>();

    @Override
    public PageWriter getPageWriter(ColumnDescriptor path) {
      return this;
    }

    @Override
    @Deprecated
    public void writePage(BytesInput bytes, int valueCount, Statistics<?> statistics, Encoding rl,
                          Encoding dl, Encoding values) throws IOException {
      writePage(bytes, valueCount, valueCount, statistics, rl, dl, values);
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                          Encoding rl, Encoding dl, Encoding values) throws IOException {
      data.add(new Captured(PageType.DATA_PAGE, valueCount, rowCount, 0, values, dl, null,
          bytes.toByteArray(), statistics));
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics,
                          SizeStatistics sizes, GeospatialStatistics geo, Encoding rl, Encoding dl,
                          Encoding values) throws IOException {
      writePage(bytes, valueCount, rowCount, statistics, rl, dl, values);
    }

    @Override
    public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput rl, BytesInput dl,
                            Encoding encoding, BytesInput values, Statistics<?> statistics,
                            SizeStatistics sizes, GeospatialStatistics geo) throws IOException {
      writePageV2(rowCount, nullCount, valueCount, rl, dl, encoding, values, statistics);
    }

    @Override
    public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput rl, BytesInput dl,
                            Encoding encoding, BytesInput values, Statistics<?> statistics)
        throws IOException {
      if (rl.size() != 0) {
        throw new IllegalStateException("flat columns have no repetition levels");
      }
      data.add(new Captured(PageType.DATA_PAGE_V2, valueCount, rowCount, nullCount, encoding,
          Encoding.RLE, dl.toByteArray(), values.toByteArray(), statistics));
    }

    @Override
    public void writeDictionaryPage(DictionaryPage page) throws IOException {
      if (dictionary != null) {
        throw new IllegalStateException("two dictionary pages");
      }
      dictionary = new Captured(PageType.DICTIONARY_PAGE, page.getDictionarySize(), 0, 0,
          page.getEncoding(), null, null, page.getBytes().toByteArray(), null);
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
      return prefix + "capture";
    }
  }

  /** A flat column: values[i] == null is a null row (optional columns only). */
  static PrimitiveType column(PrimitiveTypeName type, int typeLength, boolean optional) {
    return new PrimitiveType(optional ? Repetition.OPTIONAL : Repetition.REQUIRED, type,
        type == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY ? typeLength : 0, "x");
  }

  /** Writes the values with parquet-java's column writers and captures the pages. */
  static Capture write(PrimitiveType type, Object[] values, Options o) {
    MessageType schema = new MessageType("m", type);
    ColumnDescriptor desc = schema.getColumns().get(0);
    ParquetProperties props = ParquetProperties.builder()
        .withWriterVersion(o.writerV2() ? ParquetProperties.WriterVersion.PARQUET_2_0
            : ParquetProperties.WriterVersion.PARQUET_1_0)
        .withDictionaryEncoding(o.dictionary())
        .withPageSize(o.pageSize())
        .withDictionaryPageSize(o.dictionaryPageSize())
        .withPageRowCountLimit(o.pageRowLimit())
        .withMinRowCountForPageSizeCheck(1)
        .withMaxRowCountForPageSizeCheck(64)
        .build();
    Capture capture = new Capture();
    ColumnWriteStore store = o.v2Pages() ? new ColumnWriteStoreV2(schema, capture, props)
        : new ColumnWriteStoreV1(schema, capture, props);
    ColumnWriter w = store.getColumnWriter(desc);
    int def = desc.getMaxDefinitionLevel();
    for (Object v : values) {
      if (v == null) {
        w.writeNull(0, 0);
      } else if (v instanceof Boolean) {
        w.write((Boolean) v, 0, def);
      } else if (v instanceof Integer) {
        w.write((Integer) v, 0, def);
      } else if (v instanceof Long) {
        w.write((Long) v, 0, def);
      } else if (v instanceof Float) {
        w.write((Float) v, 0, def);
      } else if (v instanceof Double) {
        w.write((Double) v, 0, def);
      } else {
        w.write((Binary) v, 0, def);
      }
      store.endRecord();
    }
    store.flush();
    store.close();
    return capture;
  }

  /** The capsule.parquet chunk of the values, with the type's natural layout. */
  static byte[] chunk(PrimitiveType type, Object[] values, Options o) {
    return chunk(type, values, o, layoutCode(type.getPrimitiveTypeName(), type.getTypeLength()));
  }

  static byte[] chunk(PrimitiveType type, Object[] values, Options o, int layoutCode) {
    Capture c = write(type, values, o);
    int maxDef = type.getRepetition() == Repetition.OPTIONAL ? 1 : 0;
    byte[] head = ParquetChunkBytes.chunkHeader(values.length, layoutCode, 0, physicalType(type.getPrimitiveTypeName()),
        o.codec(), maxDef, 0, type.getPrimitiveTypeName() == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY
            ? type.getTypeLength() : 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head);
    out.writeBytes(pages(c, o));
    return out.toByteArray();
  }

  public static byte[] compress(byte[] b, int codec) {
    try {
      return codec == SNAPPY ? Snappy.compress(b) : b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static org.apache.parquet.format.Encoding format(Encoding e) {
    return org.apache.parquet.format.Encoding.valueOf(e.name());
  }

  /** The captured pages serialized as in a Parquet column chunk. */
  static byte[] pages(Capture c, Options o) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (c.dictionary != null) {
        byte[] body = compress(c.dictionary.values(), o.codec());
        PageHeader h = new PageHeader(PageType.DICTIONARY_PAGE, c.dictionary.values().length, body.length);
        h.setDictionary_page_header(new DictionaryPageHeader(c.dictionary.valueCount(), format(c.dictionary.encoding())));
        Util.writePageHeader(h, out);
        out.writeBytes(body);
      }
      int index = 0;
      for (Captured p : c.data) {
        PageHeader h;
        byte[] body;
        if (p.type() == PageType.DATA_PAGE) {
          body = compress(p.values(), o.codec());
          h = new PageHeader(PageType.DATA_PAGE, p.values().length, body.length);
          DataPageHeader dph = new DataPageHeader(p.valueCount(), format(p.encoding()),
              format(p.dlEncoding()), org.apache.parquet.format.Encoding.RLE);
          if (o.statistics() && p.stats() != null) {
            dph.setStatistics(ParquetMetadataConverter.toParquetStatistics(p.stats()));
          }
          h.setData_page_header(dph);
        } else {
          // Every third snappy page keeps its values uncompressed (is_compressed = false).
          boolean compressed = o.codec() != UNCOMPRESSED && index % 3 != 2;
          byte[] values = compressed ? compress(p.values(), o.codec()) : p.values();
          body = new byte[p.levels().length + values.length];
          System.arraycopy(p.levels(), 0, body, 0, p.levels().length);
          System.arraycopy(values, 0, body, p.levels().length, values.length);
          h = new PageHeader(PageType.DATA_PAGE_V2, p.levels().length + p.values().length, body.length);
          DataPageHeaderV2 v2 = new DataPageHeaderV2(p.valueCount(), p.nullCount(), p.rowCount(),
              format(p.encoding()), p.levels().length, 0);
          if (o.codec() != UNCOMPRESSED) {
            v2.setIs_compressed(compressed);
          }
          if (o.statistics() && p.stats() != null) {
            v2.setStatistics(ParquetMetadataConverter.toParquetStatistics(p.stats()));
          }
          h.setData_page_header_v2(v2);
        }
        if (o.crc()) {
          CRC32 crc = new CRC32();
          crc.update(body);
          h.setCrc((int) crc.getValue());
        }
        Util.writePageHeader(h, out);
        out.writeBytes(body);
        index++;
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A {@link TestColumn} as parquet-java pages (BIT as BOOLEAN, FIXED1/2/4 as INT32, FIXED8 as
   * INT64, other widths as FIXED_LEN_BYTE_ARRAY(w), VARIABLE as BYTE_ARRAY; optional when the column
   * has a validity), 64 rows per page, dictionary encoding with fallback, and page version and
   * codec chosen by the contents (so that the shared matrix and fuzz tests see all of them).
   */
  static byte[] fromTestColumn(TestColumn c) {
    PhysicalLayout layout = c.layout();
    int width = layout.byteWidth();
    PrimitiveTypeName type;
    if (layout == PhysicalLayout.BIT) {
      type = PrimitiveTypeName.BOOLEAN;
    } else if (layout == PhysicalLayout.VARIABLE) {
      type = PrimitiveTypeName.BINARY;
    } else if (width == 1 || width == 2 || width == 4) {
      type = PrimitiveTypeName.INT32;
    } else if (width == 8) {
      type = PrimitiveTypeName.INT64;
    } else {
      type = PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
    }
    Object[] values = new Object[c.n()];
    for (int i = 0; i < c.n(); i++) {
      if (c.isValid(i)) {
        byte[] r = c.rows()[i];
        switch (type) {
          case BOOLEAN: values[i] = r[0] != 0; break;
          case INT32: values[i] = (int) Chunks.signedValue(r); break;
          case INT64: values[i] = Chunks.signedValue(r); break;
          default: values[i] = Binary.fromConstantByteArray(r); break;
        }
      }
    }
    int h = java.util.Arrays.deepHashCode(c.rows());
    Options o = Options.defaults().pages((h & 1) != 0).codec((h & 2) != 0 ? SNAPPY : UNCOMPRESSED)
        .limits(64, 1 << 20, 256).extras((h & 4) != 0, (h & 8) != 0);
    return chunk(column(type, Math.max(width, 1), c.valid() != null), values, o, layout.code());
  }

  /** The data page encodings of a capture (to assert what a test exercises). */
  static List<Encoding> dataEncodings(Capture c) {
    List<Encoding> out = new ArrayList<>();
    for (Captured p : c.data) {
      out.add(p.encoding());
    }
    return out;
  }
}
