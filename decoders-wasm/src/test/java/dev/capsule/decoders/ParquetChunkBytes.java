package dev.capsule.decoders;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;

/**
 * capsule.parquet chunks built by hand, byte by byte (SPEC.md section 7.6), for tests that break
 * one rule at a time: the wasm decoder's here, the writer's plain-Java reference decoder's (through
 * this module's test-jar). Pages are uncompressed.
 */
public final class ParquetChunkBytes {
  private ParquetChunkBytes() {}

  public static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** The 16 bytes before the pages: chunk header and the parquet column header. */
  public static byte[] chunkHeader(long n, int layoutCode, int flags, int physicalType, int codec, int maxDef,
      int reserved, long typeLength) {
    return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt((int) n).put((byte) layoutCode)
        .put((byte) flags).putShort((short) 0).put((byte) physicalType).put((byte) codec).put((byte) maxDef)
        .put((byte) reserved).putInt((int) typeLength).array();
  }

  /** A page header in Thrift compact form. */
  public static byte[] pageHeader(PageHeader h) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Util.writePageHeader(h, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A v1 data page with the given body (levels, if any, included). */
  public static byte[] v1(int rows, Encoding encoding, byte[] body) {
    PageHeader h = new PageHeader(PageType.DATA_PAGE, body.length, body.length);
    h.setData_page_header(new DataPageHeader(rows, encoding, Encoding.RLE, Encoding.RLE));
    return cat(pageHeader(h), body);
  }

  /** A v2 data page without nulls whose body starts with levels bytes of definition levels. */
  public static byte[] v2(int rows, Encoding encoding, int levels, byte[] body) {
    PageHeader h = new PageHeader(PageType.DATA_PAGE_V2, body.length, body.length);
    h.setData_page_header_v2(new DataPageHeaderV2(rows, 0, rows, encoding, levels, 0));
    return cat(pageHeader(h), body);
  }

  /** A PLAIN dictionary page of size entries. */
  public static byte[] dictionary(int size, byte[] body) {
    PageHeader h = new PageHeader(PageType.DICTIONARY_PAGE, body.length, body.length);
    h.setDictionary_page_header(new DictionaryPageHeader(size, Encoding.PLAIN));
    return cat(pageHeader(h), body);
  }

  /** The values as little-endian int32s. */
  public static byte[] ints(int... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }

  /** A required INT32 chunk (FIXED4, uncompressed) of n rows and the pages. */
  public static byte[] int32(long n, byte[]... pages) {
    return cat(chunkHeader(n, 4, 0, 1, 0, 0, 0, 0), cat(pages));
  }
}
