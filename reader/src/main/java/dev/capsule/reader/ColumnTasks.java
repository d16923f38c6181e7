package dev.capsule.reader;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one task per column of a batch on a JVM-wide pool of daemon threads, the caller working
 * along. Columns are independent (each has its own decoder instance and vector). Each thread takes
 * the next column not yet taken, in the order given - heaviest first, so that one long column (free
 * text, say) starts at once instead of last.
 *
 * <p>A failure stops the batch: no column starts after it, and the columns running finish (each
 * decoder call is bounded by its time limit). The failure thrown is that of the earliest column in
 * the given order, as on one thread; the others are added to it as suppressed. An interrupt of the
 * caller stops the batch the same way. Pool threads are never interrupted: an interrupt during a
 * read would close the file's channel under every other scan of it.
 */
final class ColumnTasks {
  /** Decoding on more threads than processors only adds switching. */
  private static final ExecutorService POOL = Executors.newFixedThreadPool(
      Math.max(1, Runtime.getRuntime().availableProcessors()), runnable -> {
        Thread thread = new Thread(runnable, "capsule-column-decoder");
        thread.setDaemon(true);
        return thread;
      });

  /** One column's work. */
  @FunctionalInterface
  interface Task {
    void run(int column) throws IOException;
  }

  private ColumnTasks() {}

  /**
   * Runs task(c) for every c in {@code order} on up to {@code threads} threads; returns when every
   * column that started has finished.
   *
   * @param order the columns, heaviest first
   */
  static void run(int[] order, int threads, Task task) throws IOException {
    Batch batch = new Batch(order, task);
    Lane[] helpers = new Lane[Math.max(0, Math.min(threads, order.length) - 1)];
    for (int i = 0; i < helpers.length; i++) {
      helpers[i] = new Lane(batch);
      POOL.execute(helpers[i]);
    }
    batch.work();
    boolean interrupted = Thread.currentThread().isInterrupted();
    for (Lane helper : helpers) {
      interrupted |= helper.finishOrRevoke();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    batch.throwFailure(interrupted);
  }

  /** The columns of one batch, taken one at a time by the lanes. */
  private static final class Batch {
    private final int[] order;
    private final Task task;
    private final AtomicInteger next = new AtomicInteger();
    /** Position in {@link #order} of the failed column thrown; guarded by this. */
    private int failedAt = Integer.MAX_VALUE;
    private Throwable failure;

    Batch(int[] order, Task task) {
      this.order = order;
      this.task = task;
    }

    /** Takes columns until none is left or the batch stops. */
    void work() {
      for (int i = next.getAndIncrement(); i < order.length; i = next.getAndIncrement()) {
        if (Thread.currentThread().isInterrupted()) { // only the caller's thread is ever interrupted
          stop();
          return;
        }
        try {
          task.run(order[i]);
        } catch (Throwable e) {
          fail(i, e);
          return;
        }
      }
    }

    void stop() {
      next.set(order.length);
    }

    private synchronized void fail(int position, Throwable e) {
      stop();
      if (failure == null) {
        failure = e;
        failedAt = position;
      } else if (position < failedAt) {
        e.addSuppressed(failure);
        failure = e;
        failedAt = position;
      } else {
        failure.addSuppressed(e);
      }
    }

    synchronized void throwFailure(boolean interrupted) throws IOException {
      if (failure instanceof IOException e) {
        throw e;
      }
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      if (failure != null) {
        throw new IllegalStateException(failure); // Task.run throws no other checked exception
      }
      if (interrupted) {
        throw new InterruptedIOException("interrupted while decoding a batch");
      }
    }
  }

  /**
   * A pool thread's share of a batch. The caller revokes a lane no pool thread has started when its
   * own work is done, so it never waits for a pool thread busy with another scan.
   */
  private static final class Lane implements Runnable {
    private static final int WAITING = 0;
    private static final int STARTED = 1;
    private static final int REVOKED = 2;

    private final Batch batch;
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private final CountDownLatch finished = new CountDownLatch(1);

    Lane(Batch batch) {
      this.batch = batch;
    }

    @Override
    public void run() {
      if (!state.compareAndSet(WAITING, STARTED)) {
        return;
      }
      try {
        batch.work();
      } finally {
        finished.countDown();
      }
    }

    /** Returns once the lane has finished or can no longer start; true if the caller was interrupted meanwhile. */
    boolean finishOrRevoke() {
      if (state.compareAndSet(WAITING, REVOKED)) {
        return false;
      }
      boolean interrupted = false;
      while (true) {
        try {
          finished.await();
          return interrupted;
        } catch (InterruptedException e) {
          interrupted = true; // stop the batch, but wait: no lane may outlive it, it fills the batch's vectors
          batch.stop();
        }
      }
    }
  }
}
