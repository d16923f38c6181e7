package dev.capsule.reader.wasm;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deadlines for calls into wasm. Compiled Chicory code has no fuel counter, but it polls the
 * thread's interrupt flag on every function entry and backward branch, so interrupting the calling
 * thread stops even a tight loop within milliseconds (WatchdogTest measures it). One shared daemon
 * thread serves every deadline in the JVM; the decoder runs on the caller's own thread.
 *
 * <pre>{@code
 * Watchdog.Alarm alarm = Watchdog.arm(nanos);
 * try { ...call wasm... } finally { timedOut = alarm.disarm(); }
 * }</pre>
 */
final class Watchdog {
  private static final ScheduledThreadPoolExecutor TIMER = createTimer();

  private Watchdog() {}

  private static ScheduledThreadPoolExecutor createTimer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "capsule-decoder-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    // Nearly every alarm is disarmed long before it is due; do not let them pile up in the queue.
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /** Interrupts the current thread after nanos unless disarmed first. */
  static Alarm arm(long nanos) {
    Alarm alarm = new Alarm(Thread.currentThread());
    alarm.future = TIMER.schedule(alarm, nanos, TimeUnit.NANOSECONDS);
    return alarm;
  }

  /** Alarms scheduled and not yet run or cancelled (tests check none is left behind). */
  static int pending() {
    return TIMER.getQueue().size();
  }

  static final class Alarm implements Runnable {
    private static final int ARMED = 0;
    private static final int DISARMED = 1;
    private static final int FIRING = 2;
    private static final int FIRED = 3;

    private final Thread thread;
    private final AtomicInteger state = new AtomicInteger(ARMED);
    private ScheduledFuture<?> future;

    private Alarm(Thread thread) {
      this.thread = thread;
    }

    @Override
    public void run() {
      if (state.compareAndSet(ARMED, FIRING)) {
        thread.interrupt();
        state.set(FIRED);
      }
    }

    /**
     * Stops the alarm. Must be called by the armed thread, after the call returned or threw.
     *
     * @return true if the alarm went off; its interrupt has then been cleared, so the thread leaves
     *     no more interrupted than it came
     */
    boolean disarm() {
      if (state.compareAndSet(ARMED, DISARMED)) {
        future.cancel(false);
        return false;
      }
      // The timer won the race: wait the few instructions until its interrupt has landed, or
      // clearing now would let it land afterwards on code that has nothing to do with wasm.
      while (state.get() != FIRED) {
        Thread.onSpinWait();
      }
      Thread.interrupted();
      return true;
    }
  }
}
