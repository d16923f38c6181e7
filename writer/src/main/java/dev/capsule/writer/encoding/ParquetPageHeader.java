package dev.capsule.writer.encoding;

import static dev.capsule.writer.encoding.ParquetChunkDecoder.malformed;

/**
 * A Parquet {@code PageHeader} of a capsule.parquet chunk, read from the Thrift compact protocol
 * as SPEC.md section 7.6 prescribes: the fields it names are type-checked, every other field is
 * skipped whatever its type (nesting at most {@value #MAX_DEPTH} levels), a sub-header may appear
 * only once, and integers are zigzag varints of bounded length. Each sub-header is read into its
 * own fields: a page may carry sub-headers of other page types, and only the one matching
 * {@code type} counts.
 *
 * <p>Integer fields that were not present hold {@link #ABSENT}; sub-headers that were not present
 * are null.
 *
 * @param offset chunk offset of the header
 * @param bodyOffset chunk offset just after it, where the page body starts
 * @param data field 5, DataPageHeader
 * @param dictionary field 7, DictionaryPageHeader ({@code definitionLevelEncoding} unused)
 * @param v2 field 8, DataPageHeaderV2
 */
record ParquetPageHeader(int offset, int bodyOffset, int type, int uncompressedSize, int compressedSize,
    DataHeader data, DataHeader dictionary, V2Header v2) {
  static final int ABSENT = Integer.MIN_VALUE;
  static final int MAX_DEPTH = 16;

  /** DataPageHeader or DictionaryPageHeader: the fields capsule.parquet reads. */
  record DataHeader(int numValues, int encoding, int definitionLevelEncoding) {}

  /** DataPageHeaderV2: the fields capsule.parquet reads ({@code isCompressed} defaults to true). */
  record V2Header(int numValues, int numRows, int encoding, int definitionLevelsLength,
      int repetitionLevelsLength, boolean isCompressed) {}

  /** Reads the page header at {@code offset}; every malformation is an IllegalArgumentException. */
  static ParquetPageHeader read(byte[] chunk, int offset) {
    return new Reader(chunk, offset).pageHeader();
  }

  private static final class Reader {
    private static final int STOP = 0;
    private static final int TRUE = 1;
    private static final int FALSE = 2;
    private static final int BYTE = 3;
    private static final int I16 = 4;
    private static final int I32 = 5;
    private static final int I64 = 6;
    private static final int DOUBLE = 7;
    private static final int BINARY = 8;
    private static final int LIST = 9;
    private static final int SET = 10;
    private static final int MAP = 11;
    private static final int STRUCT = 12;

    private final byte[] in;
    private final int start;
    private int pos;
    // The field being read: its id and compact type.
    private int id;
    private int type;

    Reader(byte[] in, int start) {
      this.in = in;
      this.start = start;
      this.pos = start;
    }

    ParquetPageHeader pageHeader() {
      int pageType = ABSENT;
      int uncompressed = ABSENT;
      int compressed = ABSENT;
      DataHeader data = null;
      DataHeader dictionary = null;
      V2Header v2 = null;
      int last = 0;
      while (field(last)) {
        last = id;
        switch (id) {
          case 1 -> pageType = i32Field("PageHeader");
          case 2 -> uncompressed = i32Field("PageHeader");
          case 3 -> compressed = i32Field("PageHeader");
          case 4 -> i32Field("PageHeader"); // crc, ignored
          case 5 -> {
            subHeader(data != null);
            data = dataHeader(false);
          }
          case 7 -> {
            subHeader(dictionary != null);
            dictionary = dataHeader(true);
          }
          case 8 -> {
            subHeader(v2 != null);
            v2 = v2Header();
          }
          default -> skip(type, 1);
        }
      }
      if (pageType == ABSENT) {
        throw missing("PageHeader", "type");
      }
      if (uncompressed == ABSENT) {
        throw missing("PageHeader", "uncompressed_page_size");
      }
      if (compressed == ABSENT) {
        throw missing("PageHeader", "compressed_page_size");
      }
      if (uncompressed < 0) {
        throw negative("uncompressed_page_size");
      }
      if (compressed < 0) {
        throw negative("compressed_page_size");
      }
      return new ParquetPageHeader(start, pos, pageType, uncompressed, compressed, data, dictionary, v2);
    }

    /** DataPageHeader (dictionary = false) or DictionaryPageHeader (dictionary = true). */
    private DataHeader dataHeader(boolean dictionary) {
      String struct = dictionary ? "DictionaryPageHeader" : "DataPageHeader";
      int numValues = ABSENT;
      int encoding = ABSENT;
      int definitionLevelEncoding = ABSENT;
      int last = 0;
      while (field(last)) {
        last = id;
        switch (id) {
          case 1 -> numValues = i32Field(struct);
          case 2 -> encoding = i32Field(struct);
          case 3 -> {
            if (dictionary) {
              boolField(struct); // is_sorted, ignored
            } else {
              definitionLevelEncoding = i32Field(struct);
            }
          }
          case 4 -> {
            if (dictionary) {
              skip(type, 2);
            } else {
              i32Field(struct); // repetition_level_encoding, ignored
            }
          }
          default -> skip(type, 2);
        }
      }
      return new DataHeader(numValues, encoding, definitionLevelEncoding);
    }

    private V2Header v2Header() {
      String struct = "DataPageHeaderV2";
      int numValues = ABSENT;
      int numRows = ABSENT;
      int encoding = ABSENT;
      int definitionLength = ABSENT;
      int repetitionLength = ABSENT;
      boolean isCompressed = true;
      int last = 0;
      while (field(last)) {
        last = id;
        switch (id) {
          case 1 -> numValues = i32Field(struct);
          case 2 -> i32Field(struct); // num_nulls, ignored
          case 3 -> numRows = i32Field(struct);
          case 4 -> encoding = i32Field(struct);
          case 5 -> definitionLength = i32Field(struct);
          case 6 -> repetitionLength = i32Field(struct);
          case 7 -> isCompressed = boolField(struct);
          default -> skip(type, 2);
        }
      }
      return new V2Header(numValues, numRows, encoding, definitionLength, repetitionLength, isCompressed);
    }

    private void subHeader(boolean seen) {
      if (type != STRUCT) {
        throw wrongType("PageHeader");
      }
      if (seen) {
        throw bad("field " + id + " appears twice");
      }
    }

    /**
     * Reads a field header into {@link #id} and {@link #type} ({@code last}: the struct's previous
     * field id, for the short form); false at the end of the struct.
     */
    private boolean field(int last) {
      int b = u8();
      type = b & 0x0F;
      if (type == STOP) {
        return false;
      }
      id = (b >>> 4) != 0 ? last + (b >>> 4) : i32();
      return true;
    }

    private int i32Field(String struct) {
      if (type != I32) {
        throw wrongType(struct);
      }
      return i32();
    }

    private boolean boolField(String struct) {
      if (type != TRUE && type != FALSE) {
        throw wrongType(struct);
      }
      return type == TRUE;
    }

    private int u8() {
      if (pos >= in.length) {
        throw truncated();
      }
      return in[pos++] & 0xFF;
    }

    /** Unsigned LEB128 of at most maxBytes bytes. */
    private long varint(int maxBytes) {
      long v = 0;
      for (int i = 0; i < maxBytes; i++) {
        int b = u8();
        v |= (long) (b & 0x7F) << (7 * i);
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw bad("varint at offset " + (pos - maxBytes) + " longer than " + maxBytes + " bytes");
    }

    /** A zigzag i32: at most 5 bytes, within 32 bits. */
    private int i32() {
      int at = pos;
      long v = varint(5);
      if ((v >>> 32) != 0) {
        throw bad("i32 at offset " + at + " out of range");
      }
      return (int) (v >>> 1) ^ -(int) (v & 1);
    }

    private void skipBytes(long n) {
      if (n > in.length - pos) {
        throw truncated();
      }
      pos += (int) n;
    }

    /** Skips a struct field's value of compact type t (booleans carry no byte there). */
    private void skip(int t, int depth) {
      if (depth > MAX_DEPTH) {
        throw bad("nested deeper than " + MAX_DEPTH + " levels at offset " + pos);
      }
      switch (t) {
        case TRUE, FALSE -> { }
        case BYTE -> skipBytes(1);
        case I16 -> varint(3);
        case I32 -> varint(5);
        case I64 -> varint(10);
        case DOUBLE -> skipBytes(8);
        case BINARY -> skipBytes(varint(5));
        case LIST, SET -> {
          int h = u8();
          int elementType = h & 0x0F;
          long n = h >>> 4;
          if (n == 15) {
            n = varint(5);
          }
          checkType(elementType);
          skipElements(n, elementType, depth + 1);
        }
        case MAP -> {
          long n = varint(5);
          if (n == 0) {
            return;
          }
          int kv = u8();
          checkType(kv >>> 4);
          checkType(kv & 0x0F);
          if (n > in.length - pos) {
            throw truncated();
          }
          for (long i = 0; i < n; i++) {
            skipElements(1, kv >>> 4, depth + 1);
            skipElements(1, kv & 0x0F, depth + 1);
          }
        }
        case STRUCT -> {
          int last = 0;
          while (field(last)) {
            last = id;
            skip(type, depth + 1);
          }
        }
        default -> throw badType(t);
      }
    }

    /** n elements of a list, set or map, where booleans take one byte each. */
    private void skipElements(long n, int t, int depth) {
      if (n > in.length - pos) { // every element takes at least one byte
        throw truncated();
      }
      for (long i = 0; i < n; i++) {
        skip(t == TRUE || t == FALSE ? BYTE : t, depth);
      }
    }

    private void checkType(int t) {
      if (t == STOP || t > STRUCT) {
        throw badType(t);
      }
    }

    private IllegalArgumentException badType(int t) {
      return bad("unknown type " + t + " at offset " + pos);
    }

    private IllegalArgumentException wrongType(String struct) {
      return bad("field " + id + " of " + struct + " has compact type " + type + " at offset " + pos);
    }

    private IllegalArgumentException bad(String what) {
      return malformed(pos, "bad Thrift data in the page header at offset " + start + ": " + what);
    }

    private IllegalArgumentException truncated() {
      return malformed(pos, "truncated chunk: the page header at offset " + start + " runs past the end of the chunk ("
          + in.length + " bytes)");
    }

    private IllegalArgumentException missing(String struct, String field) {
      return malformed(start, "page header at offset " + start + ": " + struct + " lacks " + field);
    }

    private IllegalArgumentException negative(String field) {
      return malformed(start, "page header at offset " + start + ": " + field + " is negative");
    }
  }
}
