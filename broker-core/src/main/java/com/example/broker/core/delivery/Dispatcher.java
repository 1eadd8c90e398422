package com.example.broker.core.delivery;

import com.example.broker.core.message.LogEntry;
import com.example.broker.core.message.Message;
import com.example.broker.core.message.MessageRef;
import com.example.broker.core.message.MessageState;
import com.example.broker.core.store.DueRef;
import com.example.broker.core.store.Durability;
import com.example.broker.core.store.MessageStore;
import com.example.broker.core.store.StoreBatch;
import com.example.broker.core.time.Clock;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves due messages to their destinations. One pass ({@link #runOnce()}) reads the slice of the
 * on-disk due index that is due now, claims what the in-flight limits allow, and starts those
 * deliveries without waiting for them; outcomes are recorded as they arrive. Only the slice and the
 * in-flight messages are in memory, never the whole backlog.
 *
 * <p>Limits: a global cap on deliveries in flight and a cap per destination host, so one slow or
 * dead host cannot take every slot; a due message whose host is saturated is pushed back a little
 * instead of blocking the scan.
 *
 * <p>Threads: {@link #start()} runs passes on one thread that sleeps until the next due time or a
 * {@link #notifyDue} wake-up. Outcomes are recorded on the deliverer's threads. Tests call {@link
 * #runOnce()} directly with a settable clock.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final long TOMBSTONE_MILLIS = 60_000;

  /**
   * @param maxInFlight global cap on concurrent deliveries
   * @param maxInFlightPerHost cap per destination host
   * @param scanLimit due entries read per pass
   * @param busyHostDeferMillis how far a message for a saturated host is pushed back
   * @param maxIdleMillis longest sleep between passes when nothing is due
   */
  public record Options(
      int maxInFlight,
      int maxInFlightPerHost,
      int scanLimit,
      long busyHostDeferMillis,
      long maxIdleMillis) {
    public static Options defaults() {
      return new Options(1000, 200, 1000, 200, 1000);
    }
  }

  private static final class InFlight {
    final String host;
    volatile boolean cancelRequested;

    InFlight(String host) {
      this.host = host;
    }
  }

  private final MessageStore store;
  private final Deliverer deliverer;
  private final OutgoingRequests requests;
  private final RecordOutcome recordOutcome;
  private final Clock clock;
  private final Options options;

  private final ConcurrentHashMap<MessageRef, InFlight> inFlight = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> perHost = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<MessageRef, Long> cancelled = new ConcurrentHashMap<>();
  private final Object[] stripes = new Object[64];
  private final AtomicLong pendingMin = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong delivered = new AtomicLong();
  private long cursor; // guarded by this (runOnce)

  private volatile boolean running;
  private volatile Thread thread;

  public Dispatcher(
      MessageStore store,
      Deliverer deliverer,
      OutgoingRequests requests,
      RecordOutcome recordOutcome,
      Clock clock,
      Options options) {
    this.store = store;
    this.deliverer = deliverer;
    this.requests = requests;
    this.recordOutcome = recordOutcome;
    this.clock = clock;
    this.options = options;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Object();
    }
  }

  /**
   * Re-queues deliveries whose outcome was never recorded (the broker stopped or crashed while they
   * were in flight): they are due now. Call once before {@link #start()}.
   */
  public int recover() {
    long now = clock.millis();
    List<MessageRef> refs = store.inFlight();
    if (refs.isEmpty()) {
      return 0;
    }
    StoreBatch b = new StoreBatch();
    for (MessageRef ref : refs) {
      b.deleteInFlight(ref);
      Optional<Message> m = store.findMessage(ref);
      if (m.isPresent()) {
        b.putMessage(m.get().toBuilder().withDueAt(now).build()).putDue(now, ref);
      }
    }
    store.commit(b, Durability.SYNC).join();
    LOG.info("re-queued {} deliveries that were in flight when the broker stopped", refs.size());
    return refs.size();
  }

  /** A message became due at {@code dueAt} (its write has completed): look again from there. */
  public void notifyDue(long dueAt) {
    pendingMin.accumulateAndGet(dueAt, Math::min);
    wake();
  }

  private void wake() {
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** Number of deliveries in flight now. */
  public int inFlightCount() {
    return inFlight.size();
  }

  /** Successful deliveries since start. */
  public long deliveredCount() {
    return delivered.get();
  }

  /** One pass over what is due now. Returns the number of deliveries started. */
  public synchronized int runOnce() {
    long now = clock.millis();
    long pending = pendingMin.getAndSet(Long.MAX_VALUE);
    if (pending < cursor) {
      cursor = pending;
    }
    expireTombstones(now);
    int free = options.maxInFlight() - inFlight.size();
    if (free <= 0) {
      return 0;
    }
    List<DueRef> due = store.scanDue(cursor, now, options.scanLimit());
    long nextCursor = due.size() < options.scanLimit() ? now + 1 : due.get(due.size() - 1).dueAt();
    StoreBatch batch = new StoreBatch();
    List<Message> started = new ArrayList<>();
    for (DueRef d : due) {
      MessageRef ref = d.ref();
      if (inFlight.containsKey(ref)) {
        continue; // claimed; its due entry is being removed
      }
      if (free == 0) {
        nextCursor = Math.min(nextCursor, d.dueAt());
        break;
      }
      Optional<Message> found = store.findMessage(ref);
      if (found.isEmpty()) {
        batch.deleteDue(d.dueAt(), ref); // cancelled earlier: drop the stale entry
        continue;
      }
      Message m = found.get();
      String host = hostOf(m.url());
      AtomicInteger hostCount = perHost.computeIfAbsent(host, h -> new AtomicInteger());
      if (hostCount.get() >= options.maxInFlightPerHost()) {
        batch.deleteDue(d.dueAt(), ref).putDue(now + options.busyHostDeferMillis(), ref);
        continue;
      }
      if (!claim(ref, host)) {
        batch.deleteDue(d.dueAt(), ref);
        continue;
      }
      hostCount.incrementAndGet();
      free--;
      batch
          .deleteDue(d.dueAt(), ref)
          .putInFlight(ref, now)
          .appendLog(LogEntry.of(now, MessageState.ACTIVE, RecordOutcome.withoutBody(m), 0));
      started.add(m);
    }
    cursor = nextCursor;
    if (!batch.isEmpty()) {
      store
          .commit(batch, Durability.ASYNC)
          .whenComplete(
              (v, err) -> {
                if (err != null) {
                  LOG.error("could not record claimed deliveries", err);
                }
              });
    }
    for (Message m : started) {
      send(m, now);
    }
    return started.size();
  }

  private boolean claim(MessageRef ref, String host) {
    synchronized (stripe(ref)) {
      if (cancelled.containsKey(ref)) {
        return false;
      }
      inFlight.put(ref, new InFlight(host));
      return true;
    }
  }

  private void send(Message m, long now) {
    CompletableFuture<DeliveryResponse> response;
    try {
      response = deliverer.deliver(requests.build(m, now));
    } catch (RuntimeException e) {
      LOG.warn("could not prepare delivery of {}", m.id(), e);
      response = CompletableFuture.completedFuture(DeliveryResponse.transportFailure(e.toString()));
    }
    response.whenComplete(
        (r, err) ->
            onOutcome(m, r != null ? r : DeliveryResponse.transportFailure(String.valueOf(err))));
  }

  private void onOutcome(Message m, DeliveryResponse r) {
    MessageRef ref = m.ref();
    InFlight f = inFlight.get(ref);
    try {
      long now = clock.millis();
      if (r.isSuccess()) {
        delivered.incrementAndGet();
      }
      RecordOutcome.Changes changes =
          recordOutcome.record(m, r, now, f != null && f.cancelRequested);
      store
          .commit(changes.batch(), Durability.ASYNC)
          .whenComplete(
              (v, err) -> {
                if (err != null) {
                  LOG.error("could not record the outcome of {}", m.id(), err);
                }
                release(ref, f);
                if (changes.earliestNewDue() != Long.MAX_VALUE) {
                  notifyDue(changes.earliestNewDue());
                }
              });
    } catch (RuntimeException e) {
      LOG.error("could not record the outcome of {}", m.id(), e);
      release(ref, f);
    }
  }

  private void release(MessageRef ref, InFlight f) {
    inFlight.remove(ref);
    if (f != null) {
      AtomicInteger c = perHost.get(f.host);
      if (c != null) {
        c.decrementAndGet();
      }
    }
    wake();
  }

  /**
   * Cancels a pending message (§8.2). A delivery already in flight may still complete; if it fails,
   * no retry follows. Completes with false when the message is unknown or already final.
   */
  public CompletableFuture<Boolean> cancel(MessageRef ref) {
    long now = clock.millis();
    synchronized (stripe(ref)) {
      InFlight f = inFlight.get(ref);
      if (f != null) {
        if (f.cancelRequested) {
          return CompletableFuture.completedFuture(true);
        }
        f.cancelRequested = true;
        Optional<Message> m = store.findMessage(ref);
        if (m.isEmpty()) {
          return CompletableFuture.completedFuture(true);
        }
        StoreBatch b =
            new StoreBatch()
                .appendLog(
                    LogEntry.of(
                        now, MessageState.CANCEL_REQUESTED, RecordOutcome.withoutBody(m.get()), 0));
        return store.commit(b, Durability.SYNC).thenApply(v -> true);
      }
      cancelled.put(ref, now);
    }
    Optional<Message> found = store.findMessage(ref);
    if (found.isEmpty()) {
      cancelled.remove(ref);
      return CompletableFuture.completedFuture(false);
    }
    Message m = found.get();
    Message snapshot = RecordOutcome.withoutBody(m);
    StoreBatch b =
        new StoreBatch()
            .deleteMessage(ref)
            .deleteDue(m.dueAt(), ref)
            .appendLog(LogEntry.of(now, MessageState.CANCEL_REQUESTED, snapshot, 0))
            .appendLog(LogEntry.of(now, MessageState.CANCELED, snapshot, 0));
    return store.commit(b, Durability.SYNC).thenApply(v -> true);
  }

  private void expireTombstones(long now) {
    if (!cancelled.isEmpty()) {
      cancelled.values().removeIf(t -> now - t > TOMBSTONE_MILLIS);
    }
  }

  private Object stripe(MessageRef ref) {
    return stripes[(ref.hashCode() & 0x7fffffff) % stripes.length];
  }

  static String hostOf(String url) {
    try {
      URI u = URI.create(url);
      String authority = u.getRawAuthority();
      return authority == null ? url : authority.toLowerCase(java.util.Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return url;
    }
  }

  /** Starts the dispatch thread. */
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    Thread t = new Thread(this::loop, "postbox-dispatcher");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  private void loop() {
    while (running) {
      int started;
      try {
        started = runOnce();
      } catch (RuntimeException e) {
        LOG.error("dispatch pass failed", e);
        LockSupport.parkNanos(this, 100_000_000L);
        continue;
      }
      if (started > 0 || pendingMin.get() != Long.MAX_VALUE) {
        continue;
      }
      long now = clock.millis();
      long wakeAt = now + options.maxIdleMillis();
      if (inFlight.size() < options.maxInFlight()) {
        long from;
        synchronized (this) {
          from = cursor;
        }
        Optional<DueRef> next = store.firstDue(from);
        if (next.isPresent()) {
          wakeAt = Math.min(wakeAt, next.get().dueAt());
        }
      }
      long waitMillis = wakeAt - now;
      if (waitMillis > 0 && running) {
        LockSupport.parkNanos(this, waitMillis * 1_000_000L);
      }
    }
  }

  /**
   * Stops starting deliveries and waits up to {@code graceMillis} for those in flight to finish and
   * be recorded. Unfinished ones stay marked in flight and are re-queued on the next start.
   */
  public void stop(long graceMillis) {
    running = false;
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long deadline = System.nanoTime() + graceMillis * 1_000_000L;
    while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000_000L);
    }
    if (!inFlight.isEmpty()) {
      LOG.info(
          "{} deliveries still in flight at shutdown; re-queued on next start", inFlight.size());
    }
  }

  @Override
  public void close() {
    stop(10_000);
  }
}
