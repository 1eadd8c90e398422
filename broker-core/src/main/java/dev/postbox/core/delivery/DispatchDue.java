package dev.postbox.core.delivery;

import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.flow.FlowRef;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Hosts;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.store.DueRef;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatch pass ({@link #runOnce()}): reads the slice of the due index that is due now, starts
 * what the in-flight limits allow, parks the rest at their gates, and hands the started deliveries
 * to {@link SendAndRecord}. {@link #start()} runs passes on one thread that sleeps until the next
 * due time or a wake-up.
 */
final class DispatchDue {
  private static final Logger LOG = LoggerFactory.getLogger(DispatchDue.class);

  /** A pass scans at least this many due entries, however few slots are free. */
  private static final int MIN_SCAN = 64;

  /** A pass scans this many due entries per free slot (up to the scan limit). */
  private static final int SCAN_PER_FREE_SLOT = 2;

  /** How long the dispatch thread pauses after a pass failed, before the next. */
  private static final long FAILED_PASS_PAUSE_NANOS = 100_000_000L;

  /** How long {@link #stop()} waits for the dispatch thread to end. */
  private static final long JOIN_MILLIS = 5_000;

  private final MessageStore store;
  private final Deliverer deliverer;
  private final FlowControlService flow;
  private final Clock clock;
  private final Dispatcher.Options options;
  private final InFlight inFlight;
  private final SendAndRecord sender;
  private final Wakeup wakeup;
  private final WaitingGates gates;
  private final BooleanSupplier isRunning = () -> this.running;

  private volatile boolean running;

  // The fields below are read and written only under this object's monitor: in runOnce (a
  // synchronized method, run by the dispatch thread or by a test) and, for the cursor, in the idle
  // computation of loop (a synchronized block). So none of them needs to be volatile.

  // Position in the due index after which the next pass scans (null: from the start). Entries up
  // to it were started, parked, or already in flight.
  private DueRef cursor;
  // When the deliverer was last seen behind (millis), and the per-host cap that follows from it,
  // set at the start of each pass.
  private long laggedAt = Long.MIN_VALUE / 2;
  private int hostCap;

  DispatchDue(
      MessageStore store,
      Deliverer deliverer,
      FlowControlService flow,
      Clock clock,
      Dispatcher.Options options,
      InFlight inFlight,
      SendAndRecord sender,
      Wakeup wakeup) {
    this.store = store;
    this.deliverer = deliverer;
    this.flow = flow;
    this.clock = clock;
    this.options = options;
    this.inFlight = inFlight;
    this.sender = sender;
    this.wakeup = wakeup;
    this.gates = new WaitingGates(store, flow, inFlight, wakeup, this::admit);
    this.hostCap = options.maxInFlightPerHost();
  }

  /** One pass over what is due now. Returns the number of deliveries started. */
  synchronized int runOnce() {
    long now = clock.millis();
    long pending = wakeup.takePending();
    if (cursor != null && pending <= cursor.dueAt()) {
      cursor = DueRef.before(pending); // something became due at or before where we are
    }
    inFlight.expireTombstones(now);
    int free = options.maxInFlight() - inFlight.size();
    if (free <= 0) {
      return 0;
    }
    if (options.lagLimitNanos() > 0 && deliverer.lagNanos() > options.lagLimitNanos()) {
      laggedAt = now;
    }
    hostCap =
        now - laggedAt < Dispatcher.LAG_MEMORY_MILLIS
            ? Math.min(Dispatcher.LAGGED_HOST_CAP, options.maxInFlightPerHost())
            : options.maxInFlightPerHost();
    StoreBatch batch = new StoreBatch();
    List<Message> started = new ArrayList<>();
    free = gates.startWaiting(free, now, hostCap, batch, started);
    DueRef nextCursor = cursor;
    // Scan about as many entries as could start, so a pass costs O(started), not O(backlog).
    int limit = Math.min(options.scanLimit(), Math.max(MIN_SCAN, SCAN_PER_FREE_SLOT * free));
    List<DueRef> due = free > 0 ? store.scanDue(cursor, now, limit) : List.of();
    for (DueRef d : due) {
      MessageRef ref = d.ref();
      if (inFlight.contains(ref) || gates.isWaiting(ref)) {
        nextCursor = d; // claimed (its due entry is being removed) or waiting at its gate
        continue;
      }
      if (free == 0) {
        break;
      }
      String host = d.host();
      if (host != null && inFlight.toHost(host) >= hostCap) {
        // Its host is saturated: wait at its gate without reading the message (in a backlog for
        // one host, reading each entry here and again at its start cost most of a pass).
        gates.parkAtHost(host, d);
        nextCursor = d;
        continue;
      }
      Optional<Message> found = store.findMessage(ref);
      if (found.isEmpty()) {
        batch.deleteDue(d.dueAt(), ref); // cancelled earlier: drop the stale entry
        nextCursor = d;
        continue;
      }
      if (admit(d, found.get(), now, batch, started) == Admission.STARTED) {
        free--;
      }
      nextCursor = d;
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
    sender.sendAll(started, now);
    return started.size();
  }

  /**
   * Starts a due message if its host has a free slot and its flow-control key allows a start;
   * otherwise it waits at the gate that stopped it (or is skipped when that gate's queue is full).
   * Called within {@link #runOnce()} only.
   */
  private Admission admit(DueRef d, Message m, long now, StoreBatch batch, List<Message> started) {
    String host = d.host() != null ? d.host() : Hosts.of(m.url()); // the same, kept in the entry
    if (inFlight.toHost(host) >= hostCap) {
      return gates.parkAtHost(host, d);
    }
    FlowControl fc = m.flowControl();
    if (fc != null && !flow.tryStart(m.tenant(), fc, now)) {
      return gates.parkAtFlow(m.tenant(), fc.key(), d);
    }
    InFlight.Claim claim = start(d, m, host, now, batch, started);
    if (claim == null) {
      if (fc != null) {
        flow.undoStart(m.tenant(), fc.key());
      }
      return Admission.DROPPED;
    }
    if (fc != null) {
      claim.flow = new FlowRef(m.tenant(), fc.key());
    }
    return Admission.STARTED;
  }

  /** Claims one due message; null when it was cancelled meanwhile (its entry is dropped). */
  private InFlight.Claim start(
      DueRef d, Message m, String host, long now, StoreBatch batch, List<Message> started) {
    InFlight.Claim claim = inFlight.claim(d.ref(), host);
    if (claim == null) {
      batch.deleteDue(d.dueAt(), d.ref());
      return null;
    }
    batch
        .deleteDue(d.dueAt(), d.ref())
        .putInFlight(d.ref(), now)
        .appendLog(LogEntry.of(now, MessageState.ACTIVE, m.withoutBody(), 0));
    started.add(m);
    return claim;
  }

  /** Starts the dispatch thread. */
  synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    Thread t = new Thread(this::loop, "postbox-dispatcher");
    t.setDaemon(true);
    wakeup.attach(t);
    t.start();
  }

  /** Stops the dispatch thread and waits a while for it to end. */
  void stop() {
    running = false;
    Thread t = wakeup.thread();
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void loop() {
    while (running) {
      int started;
      try {
        started = runOnce();
      } catch (RuntimeException e) {
        LOG.error("dispatch pass failed", e);
        LockSupport.parkNanos(this, FAILED_PASS_PAUSE_NANOS);
        continue;
      }
      if (started > 0 || wakeup.hasPending()) {
        continue;
      }
      long now = clock.millis();
      long wakeAt = now + options.maxIdleMillis();
      DueRef from;
      boolean canScan;
      synchronized (this) {
        from = cursor;
        canScan = inFlight.size() < options.maxInFlight();
        long reopen =
            gates.earliestReopen(now); // a rate period of a key with waiting messages ends
        if (reopen > now) {
          wakeAt = Math.min(wakeAt, reopen);
        } else if (canScan) {
          continue; // it is open already: start its messages now
        }
      }
      // When no slot is free, only a finished delivery (wake) can help.
      if (canScan) {
        Optional<DueRef> next = store.firstDue(from);
        if (next.isPresent()) {
          wakeAt = Math.min(wakeAt, next.get().dueAt());
        }
      }
      wakeup.sleepUntil(wakeAt, now, isRunning);
    }
  }
}
