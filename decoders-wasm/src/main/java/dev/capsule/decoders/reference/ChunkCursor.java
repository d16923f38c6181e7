package dev.capsule.decoders.reference;

/**
 * Reads little-endian fields of a chunk front to back, checking each against the chunk's end
 * before touching it. Every failure names the encoding, the field and its byte offset.
 */
final class ChunkCursor {
  private final byte[] chunk;
  private final String encoding;
  private int position;

  ChunkCursor(byte[] chunk, String encoding, int position) {
    this.chunk = chunk;
    this.encoding = encoding;
    this.position = position;
  }

  byte[] chunk() {
    return chunk;
  }

  int position() {
    return position;
  }

  int u8(String field) {
    int start = take(1, field);
    return chunk[start] & 0xFF;
  }

  int u16(String field) {
    int start = take(2, field);
    return LittleEndian.u16(chunk, start);
  }

  long u32(String field) {
    int start = take(4, field);
    return LittleEndian.u32(chunk, start);
  }

  /**
   * A u32 that counts or addresses something held in a Java array: it must fit in an int. Values
   * between 2^31 and 2^32 are legal bytes but could never be backed by the chunk, so they are
   * reported as malformed.
   */
  int u32Count(String field) {
    int at = position;
    long value = u32(field);
    if (value > Integer.MAX_VALUE) {
      throw malformed(at, field + " = " + value + " is larger than any chunk can hold");
    }
    return (int) value;
  }

  long i64(String field) {
    int start = take(8, field);
    return LittleEndian.i64(chunk, start);
  }

  /** Skips {@code length} bytes (a long so callers need no overflow checks); returns their start. */
  int take(long length, String field) {
    if (length < 0 || length > chunk.length - (long) position) {
      throw malformed(position, field + " needs " + length + " bytes but only " + (chunk.length - position) + " remain");
    }
    int start = position;
    position += (int) length;
    return start;
  }

  /** Skips {@code length} reserved bytes, each of which MUST be 0. */
  void reserved(int length, String field) {
    int start = take(length, field);
    for (int i = start; i < start + length; i++) {
      if (chunk[i] != 0) {
        throw malformed(i, field + " MUST be 0 but is " + (chunk[i] & 0xFF));
      }
    }
  }

  /** The payload must end exactly at the chunk's end: a length that disagrees is corruption. */
  void requireEnd() {
    if (position != chunk.length) {
      throw malformed(position, (chunk.length - position) + " unexpected bytes after the payload");
    }
  }

  /**
   * Reads u32 offsets[count + 1] (offsets[0] = 0, non-decreasing) and returns them together with
   * the position of the data they index, after checking the data lies within the chunk.
   */
  int[] offsets(int count, String field) {
    int start = take(4L * (count + 1L), field);
    int[] offsets = new int[count + 1];
    for (int i = 0; i <= count; i++) {
      int at = start + 4 * i;
      long value = LittleEndian.u32(chunk, at);
      if (i == 0 && value != 0) {
        throw malformed(at, field + "[0] MUST be 0 but is " + value);
      }
      if (i > 0 && value < offsets[i - 1]) {
        throw malformed(at, field + "[" + i + "] = " + value + " is less than " + field + "[" + (i - 1) + "] = " + offsets[i - 1]);
      }
      if (value > Integer.MAX_VALUE) {
        throw malformed(at, field + "[" + i + "] = " + value + " is larger than any chunk can hold");
      }
      offsets[i] = (int) value;
    }
    return offsets;
  }

  IllegalArgumentException malformed(long offset, String message) {
    return malformed(encoding, offset, message);
  }

  static IllegalArgumentException malformed(String encoding, long offset, String message) {
    return new IllegalArgumentException("malformed " + encoding + " chunk at byte offset " + offset + ": " + message);
  }
}
