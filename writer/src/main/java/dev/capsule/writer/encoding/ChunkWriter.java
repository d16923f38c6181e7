package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;

/**
 * Writes one chunk into an array sized from the encoding's size formula, so the formula and the
 * bytes cannot drift apart unnoticed: {@link #finish()} fails unless every byte was written.
 */
final class ChunkWriter {
  /** u32 row_count, u8 layout, u8 flags, u16 reserved. */
  static final int HEADER_SIZE = 8;
  /** Java arrays stop a little short of 2^31 elements. */
  private static final long MAX_CHUNK_SIZE = Integer.MAX_VALUE - 8;

  private final String encoding;
  private final byte[] out;
  private int position;

  private ChunkWriter(String encoding, long size) {
    if (size > MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException(encoding + " chunk would take " + size + " bytes, more than a chunk can hold");
    }
    this.encoding = encoding;
    this.out = new byte[(int) size];
  }

  /** Header and validity bitmap: what every chunk starts with. */
  static long headerSize(int rowCount, boolean hasValidity) {
    return HEADER_SIZE + (hasValidity ? bitmapSize(rowCount) : 0);
  }

  static long bitmapSize(long bits) {
    return (bits + 7) / 8;
  }

  /** A bit-packed stream of {@code count} values of {@code width} bits and its 8 bytes of padding. */
  static long packedSize(long count, int width) {
    return bitmapSize(count * width) + 8;
  }

  /** A chunk of {@code size} bytes whose header and validity bitmap are already written. */
  static ChunkWriter start(String encoding, long size, ColumnValues values) {
    ChunkWriter w = new ChunkWriter(encoding, size);
    int n = values.rowCount();
    byte[] validity = values.validity();
    w.u32(n);
    w.u8(values.layout().code());
    w.u8(validity == null ? 0 : 1);
    w.position += 2; // reserved, zero
    if (validity != null) {
      w.bitmap(validity, n);
    }
    return w;
  }

  void u8(int value) {
    out[position++] = (byte) value;
  }

  void u32(long value) {
    FixedValues.putInt(out, position, (int) value);
    position += 4;
  }

  void i64(long value) {
    FixedValues.putLong(out, position, value);
    position += 8;
  }

  void zeros(int count) {
    position += count; // the array starts zeroed
  }

  void bytes(byte[] source, int from, int length) {
    System.arraycopy(source, from, out, position, length);
    position += length;
  }

  /** Copies the first {@code bits} bits of a bitmap; bits beyond are left zero as the contract requires. */
  void bitmap(byte[] source, int bits) {
    int bytes = (int) bitmapSize(bits);
    System.arraycopy(source, 0, out, position, bytes);
    if ((bits & 7) != 0) {
      out[position + bytes - 1] &= (byte) ((1 << (bits & 7)) - 1);
    }
    position += bytes;
  }

  /** The array being written, for kernels that fill a region in place. */
  byte[] array() {
    return out;
  }

  int position() {
    return position;
  }

  /** Claims {@code length} bytes for a kernel to fill; returns where they start. */
  int reserve(long length) {
    int start = position;
    position += (int) length;
    return start;
  }

  /** A packer for {@code count} values of {@code width} bits, claiming the stream and its padding. */
  BitPacker packer(int count, int width) {
    int start = reserve(packedSize(count, width));
    return new BitPacker(out, start, width);
  }

  byte[] finish() {
    if (position != out.length) {
      throw new IllegalStateException(encoding + " wrote " + position + " bytes but its size formula said " + out.length);
    }
    return out;
  }
}
