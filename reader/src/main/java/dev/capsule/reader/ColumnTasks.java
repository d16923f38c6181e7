package dev.capsule.reader;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one task per column of a batch on a JVM-wide pool of daemon threads, the caller working
 * along. Columns are independent (each has its own decoder instance and vector). Each thread takes
 * the next column not yet taken, in the order given - heaviest first, so that one long column (free
 * text, say) starts at once instead of last. The first column's failure is the one thrown, as a
 * sequential scan would have thrown it.
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
   * Runs task(c) for every c in {@code order} on up to {@code threads} threads; returns when all are
   * done.
   *
   * @param order the columns, heaviest first
   */
  static void run(int[] order, int threads, Task task) throws IOException {
    if (threads <= 1 || order.length <= 1) {
      for (int c : order) {
        task.run(c);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    int lanes = Math.min(threads, order.length);
    List<Future<?>> others = new ArrayList<>();
    for (int lane = 1; lane < lanes; lane++) {
      others.add(POOL.submit(() -> {
        runLane(next, order, task);
        return null;
      }));
    }
    Throwable failure = null;
    int failedColumn = Integer.MAX_VALUE;
    try {
      runLane(next, order, task);
    } catch (LaneFailure e) {
      failure = e.getCause();
      failedColumn = e.column;
    }
    boolean interrupted = false;
    for (Future<?> future : others) {
      while (true) {
        try {
          future.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the lanes finish on their own; keep waiting so none outlives the batch
        } catch (ExecutionException e) {
          LaneFailure lane = (LaneFailure) e.getCause();
          if (lane.column < failedColumn) {
            failure = lane.getCause();
            failedColumn = lane.column;
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      if (failure == null) {
        throw new InterruptedIOException("interrupted while decoding a batch");
      }
    }
    if (failure instanceof IOException) {
      throw (IOException) failure;
    }
    if (failure instanceof RuntimeException) {
      throw (RuntimeException) failure;
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
  }

  /** Takes columns until none is left; stops at its first failure. */
  private static void runLane(AtomicInteger next, int[] order, Task task) {
    for (int i = next.getAndIncrement(); i < order.length; i = next.getAndIncrement()) {
      int c = order[i];
      try {
        task.run(c);
      } catch (IOException | RuntimeException | Error e) {
        throw new LaneFailure(c, e);
      }
    }
  }

  /** A lane stops at its first failing column. */
  private static final class LaneFailure extends RuntimeException {
    final int column;

    LaneFailure(int column, Throwable cause) {
      super(cause.getMessage(), cause, false, false);
      this.column = column;
    }
  }
}
