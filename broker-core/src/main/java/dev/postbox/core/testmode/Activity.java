package dev.postbox.core.testmode;

import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.DueRef;
import dev.postbox.core.store.MessageStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * What is still to happen, as test mode's advance and flush see it: messages due, deliveries in
 * flight, schedule ticks due. Reads only; every check is bounded.
 */
public final class Activity {
  private static final int PAGE = 1000;
  private static final int MAX_SCANNED = 100_000;
  private static final long POLL_NANOS = 5_000_000L;

  private final MessageStore store;
  private final Dispatcher dispatcher;
  private final QueueService queues;
  private final PendingTicks ticks;

  public Activity(
      MessageStore store, Dispatcher dispatcher, QueueService queues, PendingTicks ticks) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.queues = queues;
    this.ticks = ticks;
  }

  /**
   * Whether nothing of {@code tenant} (null: of any tenant) is due at or before {@code now} or in
   * flight: no due message, no delivery under way, no queued message a free slot takes, no schedule
   * tick due or being produced.
   */
  public boolean quiet(String tenant, long now) {
    if (ticks.anyDue(tenant, now) || queues.anyStartable(tenant)) {
      return false;
    }
    int inFlight = tenant == null ? dispatcher.inFlightCount() : dispatcher.inFlightCount(tenant);
    return inFlight == 0 && !anyMessageDue(tenant, now);
  }

  /** The earliest time after {@code now} at which a message or a tick falls due; MAX: none. */
  public long nextDueAfter(long now) {
    Optional<DueRef> first = store.firstDue(DueRef.before(now + 1));
    long message = first.map(DueRef::dueAt).orElse(Long.MAX_VALUE);
    return Math.min(message, ticks.earliest());
  }

  private boolean anyMessageDue(String tenant, long now) {
    DueRef after = null;
    for (int scanned = 0; scanned < MAX_SCANNED; scanned += PAGE) {
      List<DueRef> page = store.scanDue(after, now, PAGE);
      for (DueRef d : page) {
        if (tenant == null || d.ref().tenant().equals(tenant)) {
          return true;
        }
      }
      if (page.size() < PAGE) {
        return false;
      }
      after = page.get(page.size() - 1);
    }
    return true; // a backlog too long to look through is not quiet
  }

  /**
   * Waits until {@code condition} holds on two checks in a row (a message handed from one stage to
   * the next is never missed by both), polling every 5 ms, for at most {@code timeoutMillis}.
   * Returns whether it did.
   */
  static boolean await(BooleanSupplier condition, long timeoutMillis) {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    boolean before = false;
    while (true) {
      boolean now = condition.getAsBoolean();
      if (now && before) {
        return true;
      }
      before = now;
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
