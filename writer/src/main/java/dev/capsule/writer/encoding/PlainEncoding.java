package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;

/**
 * capsule.plain: the values in row order. Applies to every layout; the baseline every other
 * encoding must beat, and the fastest to decode.
 */
final class PlainEncoding extends ShippedEncoding {
  static final String NAME = "capsule.plain";

  PlainEncoding() {
    super("plain");
  }

  @Override
  public boolean supports(ColumnAnalysis analysis) {
    return true;
  }

  @Override
  public long estimateSize(ColumnAnalysis analysis) {
    return size(analysis);
  }

  /** Exact chunk size: header, then a bitmap, n*w bytes, or u32 offsets[n+1] and the valid values' bytes. */
  static long size(ColumnAnalysis a) {
    int n = a.rowCount();
    long payload;
    switch (a.layout().kind()) {
      case BIT:
        payload = ChunkWriter.bitmapSize(n);
        break;
      case VARIABLE:
        payload = 4L * (n + 1) + a.plainDataBytes();
        break;
      default:
        payload = (long) n * a.layout().byteWidth();
    }
    return ChunkWriter.headerSize(n, a.hasValidity()) + payload;
  }

  @Override
  public byte[] encode(ColumnValues values, ColumnAnalysis analysis) {
    analysis.requireDescribes(values, NAME);
    ChunkWriter out = ChunkWriter.start(NAME, size(analysis), values);
    switch (values.layout().kind()) {
      case BIT:
        writeBits(out, values);
        break;
      case VARIABLE:
        writeVariable(out, values);
        break;
      default:
        writeFixed(out, values);
    }
    return out.finish();
  }

  /** The values bitmap, null rows false (the contract's slot convention). */
  private static void writeBits(ChunkWriter out, ColumnValues values) {
    int start = out.position();
    out.bitmap(values.data(), values.rowCount());
    byte[] validity = values.validity();
    if (validity != null) {
      byte[] array = out.array();
      for (int i = start; i < out.position(); i++) {
        array[i] &= validity[i - start];
      }
    }
  }

  /** n*w bytes, null slots zeroed even if the caller left something there. */
  private static void writeFixed(ChunkWriter out, ColumnValues values) {
    int w = values.layout().byteWidth();
    int start = out.position();
    out.bytes(values.data(), 0, values.data().length);
    byte[] validity = values.validity();
    if (validity != null) {
      byte[] array = out.array();
      for (int i = 0; i < values.rowCount(); i++) {
        if (!FixedValues.bit(validity, i)) {
          java.util.Arrays.fill(array, start + i * w, start + (i + 1) * w, (byte) 0);
        }
      }
    }
  }

  /** u32 offsets[n+1], then the bytes of the valid values; null values are stored empty. */
  private static void writeVariable(ChunkWriter out, ColumnValues values) {
    int n = values.rowCount();
    int[] offsets = values.offsets();
    byte[] data = values.data();
    if (values.validity() == null) {
      for (int i = 0; i <= n; i++) {
        out.u32(offsets[i]);
      }
      out.bytes(data, 0, data.length);
      return;
    }
    int total = 0;
    out.u32(0);
    for (int i = 0; i < n; i++) {
      if (values.isValid(i)) {
        total += offsets[i + 1] - offsets[i];
      }
      out.u32(total);
    }
    for (int i = 0; i < n; i++) {
      if (values.isValid(i)) {
        out.bytes(data, offsets[i], offsets[i + 1] - offsets[i]);
      }
    }
  }
}
