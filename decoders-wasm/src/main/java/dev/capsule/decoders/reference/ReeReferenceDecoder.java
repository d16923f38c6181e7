package dev.capsule.decoders.reference;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.decoders.ValueKind;

/** capsule.ree: run count, strictly increasing run ends, then one value per run. */
final class ReeReferenceDecoder implements ReferenceDecoder {
  static final String ENCODING = "capsule.ree";

  @Override
  public String module() {
    return "ree";
  }

  @Override
  public ColumnValues decode(byte[] chunk, ValueKind kind, int firstRow, int count) {
    ChunkHeader header = ChunkHeader.parse(chunk, ENCODING);
    header.checkWindow(firstRow, count);
    int n = header.rowCount();
    ChunkCursor in = header.payload(chunk);
    int runCountAt = in.position();
    int runs = in.u32Count("run_count");
    if ((runs == 0) != (n == 0)) {
      throw in.malformed(runCountAt, "run_count " + runs + " with row_count " + n + " (run_count is 0 iff row_count is 0)");
    }
    if (runs > n) {
      throw in.malformed(runCountAt, "run_count " + runs + " exceeds row_count " + n);
    }
    int endsAt = in.take(4L * runs, "run_ends");
    int[] runEnds = new int[runs];
    long previous = 0;
    for (int j = 0; j < runs; j++) {
      long end = LittleEndian.u32(chunk, endsAt + 4 * j);
      if (end <= previous) {
        throw in.malformed(endsAt + 4 * j, "run_ends[" + j + "] = " + end + " is not greater than " + previous);
      }
      if (end > n) {
        throw in.malformed(endsAt + 4 * j, "run_ends[" + j + "] = " + end + " exceeds row_count " + n);
      }
      runEnds[j] = (int) end;
      previous = end;
    }
    if (runs > 0 && runEnds[runs - 1] != n) {
      throw in.malformed(endsAt + 4 * (runs - 1), "last run end " + runEnds[runs - 1] + " != row_count " + n);
    }
    ValueTable values = ValueTable.read(in, header.layout(), runs, "run values");
    in.requireEnd();

    int[] index = new int[count];
    int run = firstRun(runEnds, firstRow);
    for (int i = 0; i < count; i++) {
      while (firstRow + i >= runEnds[run]) {
        run++;
      }
      index[i] = run;
    }
    return values.gather(kind, index, header.validity(chunk, firstRow, count));
  }

  /** The run holding {@code row}: the first j with run_ends[j] > row (binary search). */
  private static int firstRun(int[] runEnds, int row) {
    int lo = 0;
    int hi = runEnds.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (runEnds[mid] > row) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
