package dev.capsule.bench.javadecode;

import dev.capsule.format.PhysicalLayout;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;

/** capsule.bitpack: value = reference + (b-bit delta), one 8-byte load per value. */
final class BitpackJavaDecoder implements JavaChunkDecoder {
  private static final String ENCODING = "capsule.bitpack";
  private final byte[] chunk;
  private final ChunkHeader header;
  private final int width;
  private final long reference;
  private final int bits;
  private final int packed;

  BitpackJavaDecoder(byte[] chunk) {
    this.chunk = chunk;
    this.header = ChunkHeader.parse(chunk, ENCODING);
    PhysicalLayout layout = header.layout();
    if (layout != PhysicalLayout.FIXED4 && layout != PhysicalLayout.FIXED8) {
      throw new IllegalArgumentException(ENCODING + ": layout " + layout + " is not handled here");
    }
    width = layout.byteWidth();
    int p = header.payload();
    if (p + 16 > chunk.length) {
      throw new IllegalArgumentException(ENCODING + ": chunk ends inside the payload header");
    }
    reference = LittleEndian.getLong(chunk, p);
    bits = chunk[p + 8] & 0xFF;
    if (bits > 56) {
      throw new IllegalArgumentException(ENCODING + ": bit width " + bits + " is above 56");
    }
    packed = p + 16;
    if (Unpacker.streamEnd(chunk, packed, header.rowCount(), bits, ENCODING) != chunk.length) {
      throw new IllegalArgumentException(ENCODING + ": chunk length does not match its sections");
    }
  }

  @Override
  public int rowCount() {
    return header.rowCount();
  }

  @Override
  public void decodeInto(int first, int count, FieldVector vector) {
    header.checkRows(first, count);
    long out = ArrowOutput.fixedValues(vector, count);
    if (width == 4) {
      unpack4(out, first, count);
    } else {
      unpack8(out, first, count);
    }
    ArrowOutput.validity(vector, chunk, header.validityOffset(), first, count);
    ArrowOutput.finish(vector, count);
  }

  private void unpack4(long out, int first, int count) {
    final byte[] c = chunk;
    final int b = bits;
    final int start = packed;
    final long mask = (1L << b) - 1;
    final int ref = (int) reference;
    long bit = (long) first * b;
    for (int j = 0; j < count; j++, bit += b) {
      long delta = (LittleEndian.getLong(c, start + (int) (bit >>> 3)) >>> (bit & 7)) & mask;
      MemoryUtil.putInt(out + 4L * j, ref + (int) delta);
    }
  }

  private void unpack8(long out, int first, int count) {
    final byte[] c = chunk;
    final int b = bits;
    final int start = packed;
    final long mask = (1L << b) - 1;
    final long ref = reference;
    long bit = (long) first * b;
    for (int j = 0; j < count; j++, bit += b) {
      long delta = (LittleEndian.getLong(c, start + (int) (bit >>> 3)) >>> (bit & 7)) & mask;
      MemoryUtil.putLong(out + 8L * j, ref + delta);
    }
  }
}
