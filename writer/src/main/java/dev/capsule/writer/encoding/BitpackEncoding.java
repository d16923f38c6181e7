package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.decoders.ValueKind;

/**
 * capsule.bitpack: i64 reference (the minimum), u8 bit width, then each value's delta from the
 * reference in that many bits. Applies to 1- to 8-byte integer kinds whose range fits 56 bits (the
 * decoder reads each delta with one 8-byte load), and to 16- and 32-byte decimals whose values fit
 * 64 bits, which the decoder sign-extends. Null rows store delta 0.
 */
final class BitpackEncoding extends ShippedEncoding {
  static final String NAME = "capsule.bitpack";

  BitpackEncoding() {
    super("bitpack");
  }
  static final int MAX_BIT_WIDTH = 56;

  @Override
  public boolean supports(ColumnAnalysis analysis) {
    return applies(analysis);
  }

  static boolean applies(ColumnAnalysis a) {
    PhysicalLayout layout = a.layout();
    int w = layout.byteWidth();
    boolean integerLayout = layout.isFixedWidth() && (w == 1 || w == 2 || w == 4 || w == 8 || w == 16 || w == 32);
    int width = a.integerBitWidth(); // -1 unless the kind is an integer
    return integerLayout && width >= 0 && width <= MAX_BIT_WIDTH;
  }

  @Override
  public long estimateSize(ColumnAnalysis analysis) {
    return size(analysis);
  }

  /** Exact chunk size: header, 16 bytes of reference/width/reserved, the packed deltas and padding. */
  static long size(ColumnAnalysis a) {
    return ChunkWriter.headerSize(a.rowCount(), a.hasValidity()) + 16
        + ChunkWriter.packedSize(a.rowCount(), a.integerBitWidth());
  }

  @Override
  public byte[] encode(ColumnValues values, ColumnAnalysis analysis) {
    analysis.requireDescribes(values, NAME);
    if (!applies(analysis)) {
      throw new IllegalArgumentException(NAME + " cannot encode " + analysis);
    }
    long reference = analysis.integerMinimum();
    int bitWidth = analysis.integerBitWidth();
    ChunkWriter out = ChunkWriter.start(NAME, size(analysis), values);
    out.i64(reference);
    out.u8(bitWidth);
    out.zeros(7);
    BitPacker packer = out.packer(values.rowCount(), bitWidth);
    if (bitWidth > 0) { // with b = 0 every delta is 0 and the stream is only its padding
      packDeltas(packer, values, reference);
    }
    return out.finish();
  }

  /** Value - reference, modulo 2^64, for each valid row; 0 for null rows. */
  private static void packDeltas(BitPacker packer, ColumnValues values, long reference) {
    byte[] data = values.data();
    byte[] validity = values.validity();
    int width = values.layout().byteWidth();
    boolean signed = values.kind() == ValueKind.SIGNED_INTEGER;
    int n = values.rowCount();
    for (int i = 0; i < n; i++) {
      boolean valid = validity == null || FixedValues.bit(validity, i);
      // Wide values fit 64 bits (IntegerRange checked it): their low 8 bytes are the value.
      long value = width > 8 ? FixedValues.getLong(data, i * width) : FixedValues.load(data, i, width, signed);
      packer.put(valid ? value - reference : 0);
    }
    packer.flush();
  }
}
