package dev.postbox.core.workflow;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times out the waiters whose deadline has passed ({@link WaitService#fireDue()}) every {@code
 * every}, on a thread of its own (the passes read runs from the store). The deadlines live in
 * memory, rebuilt from the store on start, so waits that expired while the server was down time out
 * on the first pass. Close to stop.
 */
public final class WaitTimer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WaitTimer.class);

  private final ScheduledExecutorService thread;

  private WaitTimer(ScheduledExecutorService thread) {
    this.thread = thread;
  }

  public static WaitTimer start(WaitService waits, Duration every) {
    ScheduledExecutorService t =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread th = new Thread(r, "postbox-waits");
              th.setDaemon(true);
              return th;
            });
    t.scheduleWithFixedDelay(
        () -> {
          try {
            waits.fireDue();
          } catch (RuntimeException e) {
            LOG.warn("timing out workflow waits failed", e);
          }
        },
        0,
        every.toMillis(),
        TimeUnit.MILLISECONDS);
    return new WaitTimer(t);
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
