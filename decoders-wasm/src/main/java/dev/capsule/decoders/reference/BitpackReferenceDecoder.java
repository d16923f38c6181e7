package dev.capsule.decoders.reference;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.decoders.ValueKind;

/**
 * capsule.bitpack: value i = reference + delta i (mod 2^64), truncated to the layout's width, or for
 * FIXED16 and FIXED32 sign-extended to it.
 */
final class BitpackReferenceDecoder implements ReferenceDecoder {
  static final String ENCODING = "capsule.bitpack";
  static final int MAX_BIT_WIDTH = 56;

  @Override
  public String module() {
    return "bitpack";
  }

  @Override
  public ColumnValues decode(byte[] chunk, ValueKind kind, int firstRow, int count) {
    ChunkHeader header = ChunkHeader.parse(chunk, ENCODING);
    header.requireLayout(PhysicalLayout.FIXED1, PhysicalLayout.FIXED2, PhysicalLayout.FIXED4, PhysicalLayout.FIXED8,
        PhysicalLayout.FIXED16, PhysicalLayout.fixed(32));
    header.checkWindow(firstRow, count);
    int n = header.rowCount();
    ChunkCursor in = header.payload(chunk);
    long reference = in.i64("reference");
    int widthAt = in.position();
    int width = in.u8("bit_width");
    if (width > MAX_BIT_WIDTH) {
      throw in.malformed(widthAt, "bit_width " + width + " exceeds " + MAX_BIT_WIDTH);
    }
    in.reserved(7, "reserved bytes after bit_width");
    int packed = Bits.packedRegion(in, n, width, "packed deltas");
    in.requireEnd();

    int w = header.layout().byteWidth();
    byte[] data = new byte[ChunkHeader.outputSize(count, w)];
    for (int i = 0; i < count; i++) {
      long value = reference + Bits.unpack(chunk, packed, (long) firstRow + i, width);
      LittleEndian.store(data, i * w, value, Math.min(w, 8));
      for (int k = 8; k < w; k++) {
        data[i * w + k] = (byte) (value >> 63); // sign extension
      }
    }
    return new ColumnValues(header.layout(), kind, count, header.validity(chunk, firstRow, count), data, null);
  }
}
