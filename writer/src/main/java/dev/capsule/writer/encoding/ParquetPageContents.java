package dev.capsule.writer.encoding;

import static dev.capsule.writer.encoding.ParquetChunkDecoder.malformed;

/**
 * Checks of what capsule.parquet page bodies hold (SPEC.md section 7.6), each on its own so that
 * parquet-java, which decodes the values, is only handed pages the spec allows: raw snappy blocks
 * (decompressed here), the RLE/bit-packed hybrid of definition levels and dictionary indices, and
 * PLAIN values. Every failure is an IllegalArgumentException naming the page's offset.
 */
final class ParquetPageContents {
  /**
   * The most a snappy block can expand: a 3-byte copy element yields at most 64 bytes, every other
   * element less per input byte.
   */
  private static final int MAX_SNAPPY_RATIO = 22;

  private ParquetPageContents() {}

  /**
   * Decompresses the raw snappy block {@code in[from, from + length)}, which must hold exactly
   * {@code uncompressed} bytes (its length varint too).
   */
  static byte[] unsnappy(byte[] in, int from, int length, int uncompressed, int page) {
    int end = from + length;
    int ip = from;
    long declared = 0;
    for (int i = 0; ; i++) {
      if (ip >= end || i == 5) {
        throw snappy(page, "bad length varint", ip - from);
      }
      int b = in[ip++] & 0xFF;
      declared |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (declared != uncompressed) {
      throw malformed(from, "snappy data of the page at offset " + page + " holds " + declared
          + " bytes, the page header says " + uncompressed);
    }
    if ((long) uncompressed > (long) MAX_SNAPPY_RATIO * length) { // before allocating
      throw malformed(from, "snappy data of the page at offset " + page + ": " + length
          + " compressed bytes cannot hold " + uncompressed + " bytes");
    }
    byte[] out = new byte[uncompressed];
    int op = 0;
    while (ip < end) {
      int at = ip - from;
      int tag = in[ip++] & 0xFF;
      int len;
      long offset;
      switch (tag & 3) {
        case 0 -> {
          long literal = (tag >>> 2) + 1;
          if (literal > 60) {
            int bytes = (int) literal - 60;
            if (bytes > end - ip) {
              throw snappy(page, "truncated literal length", at + 1);
            }
            literal = littleEndian(in, ip, bytes) + 1;
            ip += bytes;
          }
          if (literal > end - ip) {
            throw snappy(page, "literal runs past the end", at + 1);
          }
          if (literal > out.length - op) {
            throw snappy(page, "literal overflows the page", at + 1);
          }
          System.arraycopy(in, ip, out, op, (int) literal);
          ip += (int) literal;
          op += (int) literal;
          continue;
        }
        case 1 -> {
          if (end - ip < 1) {
            throw snappy(page, "truncated copy", at + 1);
          }
          len = 4 + ((tag >>> 2) & 7);
          offset = ((tag >>> 5) << 8) | (in[ip++] & 0xFF);
        }
        case 2 -> {
          if (end - ip < 2) {
            throw snappy(page, "truncated copy", at + 1);
          }
          len = (tag >>> 2) + 1;
          offset = littleEndian(in, ip, 2);
          ip += 2;
        }
        default -> {
          if (end - ip < 4) {
            throw snappy(page, "truncated copy", at + 1);
          }
          len = (tag >>> 2) + 1;
          offset = littleEndian(in, ip, 4);
          ip += 4;
        }
      }
      if (offset == 0 || offset > op) {
        throw snappy(page, "copy offset outside the output", at + 1);
      }
      if (len > out.length - op) {
        throw snappy(page, "copy overflows the page", at + 1);
      }
      for (int k = 0; k < len; k++, op++) { // byte by byte: overlapping copies repeat the pattern
        out[op] = out[op - (int) offset];
      }
    }
    if (op != uncompressed) {
      throw malformed(end, "snappy data of the page at offset " + page + " decompresses to " + op
          + " bytes, expected " + uncompressed);
    }
    return out;
  }

  private static long littleEndian(byte[] in, int at, int bytes) {
    long v = 0;
    for (int k = 0; k < bytes; k++) {
      v |= (long) (in[at + k] & 0xFF) << (8 * k);
    }
    return v;
  }

  private static IllegalArgumentException snappy(int page, String what, int compressedByte) {
    return malformed(page, "snappy data of the page at offset " + page + ": " + what + " (compressed byte "
        + compressedByte + ")");
  }

  /**
   * Definition levels of {@code rows} rows (bit width 1) in {@code in[from, end)}; returns how many
   * are 1 (valid). A level above 1 is corrupt.
   */
  static int definitionLevels(byte[] in, int from, int end, int rows, int page) {
    return (int) hybrid(in, from, end, 1, rows, 1, true, page);
  }

  /**
   * The values section of a dictionary-encoded page: the index bit width, then {@code count}
   * indices, each below {@code dictionarySize}.
   */
  static void dictionaryIndices(byte[] in, int from, int end, int count, int dictionarySize, int page) {
    if (count == 0) {
      return;
    }
    if (end - from < 1) {
      throw malformed(from, "data page at offset " + page + ": missing the index bit width");
    }
    int bitWidth = in[from] & 0xFF;
    if (bitWidth > 32) {
      throw malformed(from, "data page at offset " + page + ": index bit width " + bitWidth + " is above 32");
    }
    if (bitWidth == 0) { // every index is 0
      if (dictionarySize == 0) {
        throw indexError(page, from, 0, 0, dictionarySize);
      }
      return;
    }
    hybrid(in, from + 1, end, bitWidth, count, dictionarySize - 1L, false, page);
  }

  /**
   * Walks {@code count} values of the RLE/bit-packed hybrid with the bit width, each at most
   * {@code max}; returns their sum. The last bit-packed run may lack the bytes of values after
   * {@code count}.
   */
  private static long hybrid(byte[] in, int from, int end, int bitWidth, int count, long max, boolean levels,
      int page) {
    String what = levels ? "definition levels" : "dictionary indices";
    int pos = from;
    int got = 0;
    long sum = 0;
    int valueBytes = (bitWidth + 7) / 8;
    while (got < count) {
      long header = 0;
      for (int i = 0; ; i++) {
        if (i == 5) {
          throw malformed(pos, what + " of the page at offset " + page + ": run header too long");
        }
        if (pos >= end) {
          throw malformed(pos, what + " of the page at offset " + page + ": truncated run header");
        }
        int b = in[pos++] & 0xFF;
        header |= (long) (b & 0x7F) << (7 * i);
        if ((b & 0x80) == 0) {
          break;
        }
      }
      if ((header >>> 32) != 0) {
        throw malformed(pos, what + " of the page at offset " + page + ": run header too long");
      }
      if ((header & 1) != 0) { // bit-packed: header >> 1 groups of 8 values
        long groups = header >>> 1;
        int take = (int) Math.min(groups * 8, count - got);
        long need = ((long) take * bitWidth + 7) / 8;
        if (need > end - pos) {
          throw malformed(pos, what + " of the page at offset " + page + ": truncated bit-packed run");
        }
        for (int i = 0; i < take; i++) {
          long bit = (long) i * bitWidth;
          long value = (littleEndian(in, pos + (int) (bit >>> 3), (int) Math.min(5, end - pos - (bit >>> 3)))
              >>> (bit & 7)) & ((1L << bitWidth) - 1);
          if (value > max) {
            throw levels ? malformed(pos, what + " of the page at offset " + page + ": level above the maximum 1")
                : indexError(page, pos, value, got + i, max + 1);
          }
          sum += value;
        }
        long runBytes = groups * bitWidth;
        pos = runBytes < end - pos ? pos + (int) runBytes : end; // the unused rest may be missing
        got += take;
      } else { // RLE: header >> 1 copies of one value
        long run = header >>> 1;
        if (valueBytes > end - pos) {
          throw malformed(pos, what + " of the page at offset " + page + ": truncated run value");
        }
        long value = littleEndian(in, pos, valueBytes);
        pos += valueBytes;
        int take = (int) Math.min(run, count - got);
        if (levels ? value > max : take > 0 && value > max) {
          throw levels ? malformed(pos - 1, what + " of the page at offset " + page + ": level above the maximum 1")
              : indexError(page, pos - valueBytes, value, got, max + 1);
        }
        sum += value * take;
        got += take;
      }
    }
    return sum;
  }

  private static IllegalArgumentException indexError(int page, int at, long index, long valueNumber,
      long dictionarySize) {
    return malformed(at, "dictionary index " + index + " of non-null value " + valueNumber + " of the page at offset "
        + page + " is not below the dictionary size " + dictionarySize);
  }

  /**
   * {@code count} PLAIN values in {@code in[from, end)}: BOOLEAN bits (width -1), fixed-width
   * values of {@code width} bytes, or BYTE_ARRAY (width 0) values, each a u32 length and its bytes.
   */
  static void plainValues(byte[] in, int from, int end, int count, int width, String what, int page) {
    long have = end - from;
    if (width != 0) {
      long need = width < 0 ? ((long) count + 7) / 8 : (long) count * width;
      if (need > have) {
        throw malformed(from, "PLAIN " + what + " of the page at offset " + page + ": " + count + " values need "
            + need + " bytes, the page has " + have);
      }
      return;
    }
    int pos = from;
    for (int i = 0; i < count; i++) {
      if (end - pos < 4) {
        throw malformed(pos, "PLAIN " + what + " of the page at offset " + page + " end before value " + i);
      }
      long length = littleEndian(in, pos, 4);
      if (length > end - pos - 4) {
        throw malformed(pos, "PLAIN value " + i + " of the " + what + " of the page at offset " + page + " has length "
            + length + " past the page end");
      }
      pos += 4 + (int) length;
    }
  }
}
