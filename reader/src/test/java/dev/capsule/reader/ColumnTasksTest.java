package dev.capsule.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ColumnTasksTest {
  private static final int PROCESSORS = Runtime.getRuntime().availableProcessors();

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4, 64})
  void everyColumnRunsOnce(int threads) throws IOException {
    int[] order = IntStream.range(0, 50).map(i -> 49 - i).toArray();
    AtomicIntegerArray runs = new AtomicIntegerArray(50);
    ColumnTasks.run(order, threads, runs::incrementAndGet);
    for (int c = 0; c < 50; c++) {
      assertEquals(1, runs.get(c), "column " + c);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void theEarliestFailureInOrderIsThrownAndNoColumnStartsAfterAFailure(int threads) {
    int[] order = IntStream.range(0, 1_000).toArray();
    AtomicInteger started = new AtomicInteger();
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> ColumnTasks.run(order, threads, c -> {
      started.incrementAndGet();
      if (c == 2 || c == 3) {
        throw new IllegalStateException("column " + c);
      }
      pause(1);
    }));
    // Column 2 is taken before column 3, so it always runs and fails; a failure of 3 is suppressed.
    assertEquals("column 2", thrown.getMessage());
    assertTrue(Arrays.stream(thrown.getSuppressed()).allMatch(e -> e.getMessage().equals("column 3")));
    assertTrue(started.get() < 100, started.get() + " columns started after the failure");
  }

  @Test
  void anInterruptedCallerStopsTheBatchAndSaysSo() {
    int[] order = IntStream.range(0, 1_000).toArray();
    AtomicInteger started = new AtomicInteger();
    Thread.currentThread().interrupt();
    try {
      assertThrows(InterruptedIOException.class, () -> ColumnTasks.run(order, 2, c -> {
        started.incrementAndGet();
        pause(1);
      }));
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
    } finally {
      Thread.interrupted();
    }
    assertTrue(started.get() < 100, started.get() + " columns started after the interrupt");
  }

  /**
   * A batch whose pool lanes cannot start (every pool thread busy with another scan) is done by its
   * caller alone; it does not wait for a pool thread to come free.
   */
  @Test
  void aBatchDoesNotWaitForAPoolBusyWithAnotherScan() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger blocked = new AtomicInteger();
    int[] busyOrder = IntStream.range(0, PROCESSORS + 1).toArray();
    CompletableFuture<Void> busy = CompletableFuture.runAsync(() -> {
      try {
        ColumnTasks.run(busyOrder, PROCESSORS + 1, c -> {
          blocked.incrementAndGet();
          try {
            release.await();
          } catch (InterruptedException e) {
            throw new InterruptedIOException();
          }
        });
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    try {
      while (blocked.get() < PROCESSORS + 1) { // every pool thread and that scan's caller are blocked
        pause(1);
      }
      AtomicIntegerArray runs = new AtomicIntegerArray(20);
      CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
        try {
          ColumnTasks.run(IntStream.range(0, 20).toArray(), 4, runs::incrementAndGet);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      other.get(30, TimeUnit.SECONDS);
      for (int c = 0; c < 20; c++) {
        assertEquals(1, runs.get(c), "column " + c);
      }
    } finally {
      release.countDown();
    }
    busy.get(30, TimeUnit.SECONDS);
  }

  private static void pause(long millis) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
  }
}
