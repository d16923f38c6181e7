package dev.capsule.reader.wasm;

import static dev.capsule.reader.wasm.TestDecoders.WHERE;
import static dev.capsule.reader.wasm.TestDecoders.arithChunk;
import static dev.capsule.reader.wasm.TestDecoders.compile;
import static dev.capsule.reader.wasm.TestDecoders.hostileChunk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.format.DecoderException;
import dev.capsule.format.PhysicalLayout;
import java.time.Duration;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thread.interrupt stops compiled wasm, the watchdog's interrupt never outlives the call it was
 * meant for, and no alarm is left queued.
 */
@Timeout(60)
class WatchdogTest {
  private static final Field INTS = Field.nullable("c", new ArrowType.Int(32, true));

  @AfterEach
  void nothingLeftBehind() {
    assertFalse(Thread.currentThread().isInterrupted(), "thread left interrupted");
    assertEquals(0, Watchdog.pending(), "watchdog alarm left behind");
  }

  @Test
  void aDisarmedAlarmNeverFires() throws Exception {
    Watchdog.Alarm alarm = Watchdog.arm(Duration.ofMillis(50).toNanos());
    assertFalse(alarm.disarm());
    Thread.sleep(100); // would throw InterruptedException if the alarm fired anyway
  }

  @Test
  void aFiredAlarmClearsItsInterrupt() {
    Watchdog.Alarm alarm = Watchdog.arm(Duration.ofMillis(1).toNanos());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(alarm.disarm());
    assertFalse(Thread.currentThread().isInterrupted());
  }

  /** The claim of DESIGN.md section 4: an interrupt stops a tight compiled loop within milliseconds. */
  @Test
  void anInfiniteLoopStopsSoonAfterTheDeadline() throws Exception {
    long limitMillis = 100;
    DecodeLimits limits = DecodeLimits.defaults().withTimeLimit(Duration.ofMillis(limitMillis));
    long worstOvershoot = 0;
    try (BufferAllocator allocator = new RootAllocator();
        FieldVector vector = INTS.createVector(allocator)) {
      for (int round = 0; round < 5; round++) {
        try (ChunkDecoder decoder = ChunkDecoder.open(compile("hostile"), hostileChunk(2, PhysicalLayout.FIXED4),
            INTS, limits, WHERE)) {
          long started = System.nanoTime();
          DecoderException e = assertThrows(DecoderException.class, () -> decoder.decodeInto(0, 10, vector));
          long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
          assertTrue(e.getMessage().contains("decoder exceeded time limit of 100 ms"), e.getMessage());
          assertTrue(elapsedMillis >= limitMillis, "stopped early: " + elapsedMillis + " ms");
          worstOvershoot = Math.max(worstOvershoot, elapsedMillis - limitMillis);
        }
      }
    }
    // Measured here: a few ms. The bound is loose for slow CI machines, not for hung loops.
    assertTrue(worstOvershoot < 1000, "stopped " + worstOvershoot + " ms after the deadline");
  }

  /**
   * Deadlines about as long as the calls themselves: the alarm often rings just as the call
   * returns. Every outcome must be a result or a time-limit error, and never a stray interrupt.
   */
  @Test
  void racingDeadlinesLeaveNoInterruptBehind() throws Exception {
    Field field = Field.nullable("c", new ArrowType.Int(64, true));
    int successes = 0;
    int timeouts = 0;
    try (BufferAllocator allocator = new RootAllocator();
        FieldVector vector = field.createVector(allocator)) {
      for (int i = 0; i < 400; i++) {
        DecodeLimits limits = DecodeLimits.defaults().withTimeLimit(Duration.ofNanos(20_000 + 1_000 * (i % 50)));
        try (ChunkDecoder decoder = ChunkDecoder.open(compile("arith"), arithChunk(PhysicalLayout.FIXED8, 4096,
            null, 0, 1), field, limits, WHERE)) {
          decoder.decodeInto(0, 4096, vector);
          successes++;
        } catch (DecoderException e) {
          assertTrue(e.getMessage().contains("time limit"), e.getMessage());
          timeouts++;
        }
        assertFalse(Thread.currentThread().isInterrupted(), "stray interrupt after round " + i);
      }
    }
    assertEquals(400, successes + timeouts);
  }
}
