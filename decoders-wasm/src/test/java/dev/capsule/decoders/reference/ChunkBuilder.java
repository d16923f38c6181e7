package dev.capsule.decoders.reference;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/** Hand-assembles chunk bytes field by field, as someone reading the contract would. */
final class ChunkBuilder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** The 8-byte header, and the validity bitmap when {@code validity} is not null. */
  static ChunkBuilder header(int rowCount, int layoutCode, byte[] validity) {
    ChunkBuilder b = new ChunkBuilder().u32(rowCount).u8(layoutCode).u8(validity == null ? 0 : 1).u16(0);
    return validity == null ? b : b.bytes(validity);
  }

  static byte[] hex(String spaced) {
    return HexFormat.of().parseHex(spaced.replace(" ", ""));
  }

  ChunkBuilder u8(int v) {
    out.write(v);
    return this;
  }

  ChunkBuilder u16(int v) {
    return u8(v).u8(v >>> 8);
  }

  ChunkBuilder u32(long v) {
    return u16((int) v).u16((int) (v >>> 16));
  }

  ChunkBuilder i64(long v) {
    return u32(v).u32(v >>> 32);
  }

  ChunkBuilder bytes(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  /** A bit-packed stream of the values (each < 2^width) and 8 zero bytes of padding. */
  ChunkBuilder packed(long[] values, int width) {
    byte[] packed = new byte[(int) (((long) values.length * width + 7) / 8) + 8];
    for (int i = 0; i < values.length; i++) {
      for (int bit = 0; bit < width; bit++) {
        if ((values[i] >>> bit & 1) != 0) {
          long at = (long) i * width + bit;
          packed[(int) (at >>> 3)] |= (byte) (1 << (at & 7));
        }
      }
    }
    return bytes(packed);
  }

  byte[] build() {
    return out.toByteArray();
  }
}
