package dev.capsule.bench.decode;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** What a decode benchmark reports besides operations: decoded values/s and decoded bytes/s. */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class DecodeCounters {
  /** Values decoded (rows), reported per second. */
  public long values;
  /** Bytes of Arrow output decoded (see DecodeCase.decodedBytes), reported per second. */
  public long bytes;

  @Setup(Level.Iteration)
  public void reset() {
    values = 0;
    bytes = 0;
  }
}
