package dev.postbox.core.delivery;

import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.metrics.BrokerMetrics;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
 * dead host cannot take every slot. A due message whose host is saturated waits in a bounded
 * in-memory queue for that host (its due entry stays on disk) and starts as soon as the host frees
 * a slot; the scan goes on to other hosts' messages.
 *
 * <p>Threads: {@link #start()} runs passes on one thread that sleeps until the next due time or a
 * {@link #notifyDue} wake-up. Outcomes are recorded on the deliverer's threads. Tests call {@link
 * #runOnce()} directly with a settable clock.
 *
 * <p>The parts: {@link DispatchDue} (the pass and its thread), {@link WaitingGates} (messages
 * waiting for a host or a flow-control key), {@link InFlight} (claims, releases, cancels), {@link
 * SendAndRecord} (sending and recording outcomes) and {@link Wakeup} (the thread's sleep).
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  /** The default of {@link Options#lagLimitNanos}: a young GC pause here lasts 6-11 ms. */
  public static final long DEFAULT_LAG_LIMIT_NANOS = 20_000_000L;

  /**
   * For {@link #LAG_MEMORY_MILLIS} after the deliverer was last behind (more than {@link
   * Options#lagLimitNanos} late, see {@link Deliverer#lagNanos}), a host gets at most this many
   * deliveries in flight (or its own cap if lower). A delivery whose answer has arrived but not
   * been read is one a crash repeats, and a stalled broker reads none: with a host's full 200 in
   * flight, a kill during a stall repeats up to 200. A fast receiver does not need them for
   * throughput; a slow one keeps those already in flight and gets its full cap back a second later.
   */
  static final int LAGGED_HOST_CAP = 16;

  /** How long hosts stay at {@link #LAGGED_HOST_CAP} after the deliverer was last behind. */
  static final long LAG_MEMORY_MILLIS = 1000;

  /** How often {@link #stop} looks whether the deliveries in flight have finished. */
  private static final long STOP_POLL_NANOS = 10_000_000L;

  /** The grace {@link #close()} gives deliveries in flight. */
  private static final long CLOSE_GRACE_MILLIS = 10_000;

  /**
   * @param maxInFlight global cap on concurrent deliveries
   * @param maxInFlightPerHost cap per destination host
   * @param scanLimit due entries read per pass
   * @param maxIdleMillis longest sleep between passes when nothing is due
   * @param sendThreads threads that sign and send the requests a pass started (0: the dispatch
   *     thread does it); with more, a pass hands its sends over and goes on scanning
   * @param lagLimitNanos how late the deliverer may be before hosts get at most {@link
   *     #LAGGED_HOST_CAP} in flight (0: never)
   */
  public record Options(
      int maxInFlight,
      int maxInFlightPerHost,
      int scanLimit,
      long maxIdleMillis,
      int sendThreads,
      long lagLimitNanos) {
    /** Sends on the dispatch thread itself (what unit tests use: one thread, a fixed order). */
    public Options(int maxInFlight, int maxInFlightPerHost, int scanLimit, long maxIdleMillis) {
      this(maxInFlight, maxInFlightPerHost, scanLimit, maxIdleMillis, 0, DEFAULT_LAG_LIMIT_NANOS);
    }
  }

  private final MessageStore store;
  private final QueueService queues;
  private final Clock clock;
  private final Options options;
  private final Wakeup wakeup;
  private final InFlight inFlight;
  private final SendAndRecord sender;
  private final DispatchDue due;

  /** {@code metrics} is told each attempt's outcome and duration ({@link BrokerMetrics#NONE}). */
  public Dispatcher(
      MessageStore store,
      Deliverer deliverer,
      OutgoingRequests requests,
      RecordOutcome recordOutcome,
      QueueService queues,
      FlowControlService flow,
      Clock clock,
      Options options,
      BrokerMetrics metrics) {
    this.store = store;
    this.queues = queues;
    this.clock = clock;
    this.options = options;
    this.wakeup = new Wakeup(clock);
    this.inFlight = new InFlight(store, queues, flow, recordOutcome);
    this.sender =
        new SendAndRecord(
            store,
            deliverer,
            requests,
            recordOutcome,
            queues,
            flow,
            clock,
            inFlight,
            wakeup,
            options.sendThreads(),
            metrics);
    this.due = new DispatchDue(store, deliverer, flow, clock, options, inFlight, sender, wakeup);
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
        b.putMessage(m.get().toBuilder().withDueAt(now).build()).putDue(now, m.get());
      }
    }
    store.commit(b, Durability.SYNC).join();
    LOG.info("re-queued {} deliveries that were in flight when the broker stopped", refs.size());
    return refs.size();
  }

  /** A message became due at {@code dueAt} (its write has completed): look again from there. */
  public void notifyDue(long dueAt) {
    wakeup.notifyDue(dueAt);
  }

  /** Something other than a due time may let waiting messages start (a flow key was resumed). */
  public void wakeUp() {
    wakeup.wake();
  }

  /** The global cap on deliveries in flight ({@code parallelismMax}, docs/api.md#flow-control). */
  public int maxInFlight() {
    return options.maxInFlight();
  }

  /** Number of deliveries in flight now. */
  public int inFlightCount() {
    return inFlight.size();
  }

  /** Number of a tenant's deliveries in flight now. */
  public int inFlightCount(String tenant) {
    return inFlight.countOf(tenant);
  }

  /** Shows each attempt to {@code observer} as it ends (test mode records them). */
  public void observeAttempts(AttemptObserver observer) {
    sender.observe(observer);
  }

  /** Destination hosts with a delivery in flight (those the per-host counters track). */
  int hostsTracked() {
    return inFlight.hostsTracked();
  }

  /** One pass over what is due now. Returns the number of deliveries started. */
  public int runOnce() {
    return due.runOnce();
  }

  /**
   * Cancels a pending message (docs/api.md#messages). A delivery already in flight may still
   * complete; if it fails, no retry follows. Completes with false when the message is unknown or
   * already final.
   */
  public CompletableFuture<Boolean> cancel(MessageRef ref) {
    return inFlight.cancel(ref, clock.millis());
  }

  /**
   * Adds the cancel of the listed pending messages to {@code batch} (those in flight are left to
   * end by themselves, unknown ones are skipped) and returns the ones cancelled; after committing
   * the batch, call {@link #cancelCommitted}. Lets a caller cancel messages atomically with its own
   * changes (ending a workflow run drops its pending steps).
   */
  public List<Message> cancelInto(Collection<MessageRef> refs, StoreBatch batch) {
    return inFlight.cancelInto(refs, batch, clock.millis());
  }

  /**
   * After a batch with {@link #cancelInto} cancels is on disk: frees the queue places they held.
   */
  public void cancelCommitted(StoreBatch batch) {
    queues.committed(batch);
  }

  /** Starts the dispatch thread. */
  public void start() {
    due.start();
  }

  /**
   * Stops starting deliveries and waits up to {@code graceMillis} for those in flight to finish and
   * be recorded. Unfinished ones stay marked in flight and are re-queued on the next start.
   */
  public void stop(long graceMillis) {
    due.stop();
    sender.shutdown(); // the sends already handed over still run
    long deadline = System.nanoTime() + graceMillis * 1_000_000L;
    while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(STOP_POLL_NANOS);
    }
    if (!inFlight.isEmpty()) {
      LOG.info(
          "{} deliveries still in flight at shutdown; re-queued on next start", inFlight.size());
    }
  }

  @Override
  public void close() {
    stop(CLOSE_GRACE_MILLIS);
  }
}
