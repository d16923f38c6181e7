package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;

/**
 * capsule.ree: u32 run count, u32 run ends, one value per run. Applies to every layout; wins on
 * sorted or slowly changing columns. Null rows join the run around them (see {@link Runs}).
 */
final class ReeEncoding extends ShippedEncoding {
  static final String NAME = "capsule.ree";

  ReeEncoding() {
    super("ree");
  }

  @Override
  public boolean supports(ColumnAnalysis analysis) {
    return true;
  }

  @Override
  public long estimateSize(ColumnAnalysis analysis) {
    return size(analysis);
  }

  /** Exact chunk size: header, run count, run ends, run values (BIT one byte each). */
  static long size(ColumnAnalysis a) {
    long runs = a.runCount();
    long values;
    switch (a.layout().kind()) {
      case BIT:
        values = runs;
        break;
      case VARIABLE:
        values = 4 * (runs + 1) + a.runValueBytes();
        break;
      default:
        values = runs * a.layout().byteWidth();
    }
    return ChunkWriter.headerSize(a.rowCount(), a.hasValidity()) + 4 + 4 * runs + values;
  }

  @Override
  public byte[] encode(ColumnValues values, ColumnAnalysis analysis) {
    analysis.requireDescribes(values, NAME);
    int runs = analysis.runCount();
    int[] ends = new int[runs];
    int[] valueRows = new int[runs];
    if (Runs.scan(values, ends, valueRows).count != runs) {
      throw new IllegalArgumentException(NAME + ": the analysis counted " + runs + " runs but the values have others");
    }
    ChunkWriter out = ChunkWriter.start(NAME, size(analysis), values);
    out.u32(runs);
    for (int end : ends) {
      out.u32(end);
    }
    switch (values.layout().kind()) {
      case BIT:
        for (int row : valueRows) {
          out.u8(row >= 0 && FixedValues.bit(values.data(), row) ? 1 : 0);
        }
        break;
      case VARIABLE:
        writeVariableValues(out, values, valueRows);
        break;
      default: {
        int w = values.layout().byteWidth();
        for (int row : valueRows) {
          if (row >= 0) {
            out.bytes(values.data(), row * w, w);
          } else {
            out.zeros(w);
          }
        }
      }
    }
    return out.finish();
  }

  /** u32 offsets[r+1], then the run values' bytes; the all-null run's value is empty. */
  private static void writeVariableValues(ChunkWriter out, ColumnValues values, int[] valueRows) {
    int[] offsets = values.offsets();
    int total = 0;
    out.u32(0);
    for (int row : valueRows) {
      total += row < 0 ? 0 : offsets[row + 1] - offsets[row];
      out.u32(total);
    }
    for (int row : valueRows) {
      if (row >= 0) {
        out.bytes(values.data(), offsets[row], offsets[row + 1] - offsets[row]);
      }
    }
  }
}
