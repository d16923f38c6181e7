package dev.capsule.reader.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.function.Supplier;

/**
 * Every entry into decoder code goes through here: under a {@link Watchdog} deadline, with every
 * way wasm can fail (trap, out-of-bounds access, exhausted stack, interrupt) turned into a
 * DecoderException of the chunk. A call that failed leaves the instance in an unknown state, so the
 * chunk's decoder is marked unusable.
 */
final class WasmCalls {
  private static final String INSTANTIATION = "instantiation";

  private WasmCalls() {}

  /** Builds the instance: allocates its memory (through owner, under the cap), runs any start function. */
  static Instance instantiate(ChunkDecoder owner, CompiledDecoder decoder, int capPages) throws IOException {
    Instance.Builder builder = Instance.builder(decoder.module())
        .withMachineFactory(decoder.machineFactory())
        .withMemoryFactory(limits -> owner.newMemory(limits, capPages));
    return run(owner, INSTANTIATION, builder::build);
  }

  /** Calls an export that returns one i32. */
  static long call(ChunkDecoder owner, ExportFunction function, String name, long... args) throws IOException {
    long[] result = run(owner, name, () -> function.apply(args));
    return result[0];
  }

  private static <T> T run(ChunkDecoder owner, String what, Supplier<T> action) throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("interrupted before " + what);
    }
    Watchdog.Alarm alarm = Watchdog.arm(owner.timeLimitNanos());
    T result = null;
    Throwable failure = null;
    boolean timedOut;
    try {
      result = action.get();
    } catch (RuntimeException | StackOverflowError e) {
      failure = e;
    } finally {
      timedOut = alarm.disarm();
    }
    if (failure == null) {
      return result; // even if the alarm rang just after the call returned: its interrupt is cleared
    }
    owner.markBroken("it failed in " + what);
    if (interrupted(failure)) {
      if (timedOut) {
        throw owner.fail("decoder exceeded time limit of " + millis(owner.timeLimitNanos()) + " in " + what,
            null);
      }
      // Someone else interrupted this thread (a cancelled task): not the decoder's fault. The
      // interrupt flag is still set for the caller to see.
      InterruptedIOException e = new InterruptedIOException("interrupted during " + what);
      e.initCause(failure);
      throw e;
    }
    if (failure instanceof StackOverflowError) {
      throw owner.fail("decoder exhausted the call stack in " + what, null);
    }
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    if (what.equals(INSTANTIATION)) {
      throw owner.fail("cannot instantiate the module: " + message, failure);
    }
    throw owner.fail("decoder trapped in " + what + ": " + message, failure);
  }

  private static boolean interrupted(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ChicoryInterruptedException) {
        return true;
      }
    }
    return false;
  }

  private static String millis(long nanos) {
    return nanos / 1_000_000 + " ms";
  }
}
