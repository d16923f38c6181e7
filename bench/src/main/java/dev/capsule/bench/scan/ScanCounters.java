package dev.capsule.bench.scan;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** What a scan benchmark reports besides operations (whole-file scans): rows read, per second. */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ScanCounters {
  public long rows;

  @Setup(Level.Iteration)
  public void reset() {
    rows = 0;
  }
}
