package dev.capsule.reader.wasm;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Deadlines for calls into wasm. Compiled Chicory code has no fuel counter, but it polls the
 * thread's interrupt flag on every function entry and backward branch, so interrupting the calling
 * thread stops even a tight loop within milliseconds (WatchdogTest measures it).
 *
 * <p>One shared daemon thread serves every deadline in the JVM; the decoder runs on the caller's own
 * thread. Arming and disarming touch only a concurrent set: a scan calls into wasm thousands of times
 * a second, and waking a timer thread for each call (as a ScheduledExecutorService does when its queue
 * runs empty) cost more than small calls themselves. Instead the watchdog ticks every
 * {@link #TICK_NANOS} while alarms are armed, so an alarm fires up to one tick late, and sleeps when
 * none was armed for a whole tick. Not sooner: calls that return in microseconds leave the set empty
 * at almost every tick, and waking the thread again on the next call (a futex syscall) cost 9% of
 * decoding a string column whose decoder does O(1) work per batch.
 *
 * <pre>{@code
 * Watchdog.Alarm alarm = Watchdog.arm(nanos);
 * try { ...call wasm... } finally { timedOut = alarm.disarm(); }
 * }</pre>
 */
final class Watchdog {
  /** How often armed alarms are checked: the most an alarm can fire late. */
  static final long TICK_NANOS = 5_000_000;

  private static final Set<Alarm> ARMED = ConcurrentHashMap.newKeySet();
  /** True while the watchdog thread is parked with nothing to watch; arm() wakes it. */
  private static final AtomicBoolean IDLE = new AtomicBoolean();
  /** Set by every arm(), cleared by the watchdog at each tick: whether the tick saw an alarm armed. */
  private static volatile boolean armedSinceTick;
  private static final Thread THREAD = start();

  private Watchdog() {}

  private static Thread start() {
    Thread thread = new Thread(Watchdog::watch, "capsule-decoder-watchdog");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void watch() {
    while (true) {
      boolean recent = armedSinceTick;
      armedSinceTick = false;
      if (ARMED.isEmpty() && !recent) {
        IDLE.set(true);
        if (ARMED.isEmpty()) { // checked again after IDLE is set, so no arm() goes unnoticed
          LockSupport.park();
        }
        IDLE.set(false);
        continue;
      }
      LockSupport.parkNanos(TICK_NANOS);
      try {
        long now = System.nanoTime();
        for (Alarm alarm : ARMED) {
          if (now - alarm.deadline >= 0) {
            alarm.fire();
          }
        }
      } catch (Throwable e) { // an OutOfMemoryError, say: the watchdog must outlive it, or no limit holds again
        // The alarms stay armed; the next tick tries again.
      }
    }
  }

  /** Interrupts the current thread after nanos (and at most one tick more) unless disarmed first. */
  static Alarm arm(long nanos) {
    long now = System.nanoTime();
    // A limit too far away to represent is no limit.
    long deadline = nanos > Long.MAX_VALUE / 2 ? now + Long.MAX_VALUE / 2 : now + nanos;
    Alarm alarm = new Alarm(Thread.currentThread(), deadline);
    ARMED.add(alarm);
    if (!armedSinceTick) { // a read first: most calls find it set and need not write a shared line
      armedSinceTick = true;
    }
    if (IDLE.get() && IDLE.compareAndSet(true, false)) {
      LockSupport.unpark(THREAD);
    }
    return alarm;
  }

  /** Alarms armed and not yet disarmed or fired (tests check none is left behind). */
  static int pending() {
    return ARMED.size();
  }

  static final class Alarm {
    private static final int ARMED_STATE = 0;
    private static final int DISARMED = 1;
    private static final int FIRING = 2;
    private static final int FIRED = 3;

    private final Thread thread;
    private final long deadline;
    private final AtomicInteger state = new AtomicInteger(ARMED_STATE);

    private Alarm(Thread thread, long deadline) {
      this.thread = thread;
      this.deadline = deadline;
    }

    /** On the watchdog thread: interrupts the armed thread unless it disarmed first. */
    private void fire() {
      if (state.compareAndSet(ARMED_STATE, FIRING)) {
        try {
          thread.interrupt();
        } finally {
          state.set(FIRED); // disarm() waits for FIRED
        }
      }
      ARMED.remove(this);
    }

    /**
     * Stops the alarm. Must be called by the armed thread, after the call returned or threw.
     *
     * @return true if the alarm went off; its interrupt has then been cleared, so the thread leaves
     *     no more interrupted than it came
     */
    boolean disarm() {
      if (state.compareAndSet(ARMED_STATE, DISARMED)) {
        ARMED.remove(this);
        return false;
      }
      // The watchdog won the race: wait the few instructions until its interrupt has landed, or
      // clearing now would let it land afterwards on code that has nothing to do with wasm.
      while (state.get() != FIRED) {
        Thread.onSpinWait();
      }
      ARMED.remove(this);
      Thread.interrupted();
      return true;
    }
  }
}
