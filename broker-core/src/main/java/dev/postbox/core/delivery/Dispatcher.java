package dev.postbox.core.delivery;

import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.flow.FlowRef;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Hosts;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.DueRef;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * dead host cannot take every slot. A due message whose host is saturated waits in a bounded
 * in-memory queue for that host (its due entry stays on disk) and starts as soon as the host frees
 * a slot; the scan goes on to other hosts' messages.
 *
 * <p>Threads: {@link #start()} runs passes on one thread that sleeps until the next due time or a
 * {@link #notifyDue} wake-up. Outcomes are recorded on the deliverer's threads. Tests call {@link
 * #runOnce()} directly with a settable clock.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final long TOMBSTONE_MILLIS = 60_000;

  /** Most due messages kept waiting in memory, in all; beyond, they are skipped and read again. */
  static final int MAX_PARKED = 50_000;

  /** Most due messages kept waiting in memory for one host or one flow-control key. */
  static final int MAX_PARKED_PER_GATE = 10_000;

  /** Due entries a host-queue refill looks at in one pass, at most. */
  static final int REFILL_SCAN_LIMIT = 4096;

  /** The due index's order. */
  private static final java.util.Comparator<DueRef> DUE_ORDER =
      java.util.Comparator.comparingLong(DueRef::dueAt)
          .thenComparing(d -> d.ref().tenant())
          .thenComparing(d -> d.ref().id());

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

  static final long LAG_MEMORY_MILLIS = 1000;

  /** How long past its own timeout an attempt may stay without an outcome. */
  private static final long OUTCOME_GRACE_MILLIS = 30_000;

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

    public static Options defaults() {
      return new Options(1000, 200, 1000, 1000);
    }
  }

  private static final class InFlight {
    final String host;
    volatile FlowRef flow; // the flow-control key whose slot it holds, if any
    volatile boolean cancelRequested;

    InFlight(String host) {
      this.host = host;
    }
  }

  /**
   * What a due message waits for when it cannot start: a slot of its destination host, or its
   * flow-control key (§13) to allow another start. Exactly one of the two is set.
   */
  private record Gate(String host, FlowRef flow) {
    static Gate host(String host) {
      return new Gate(host, null);
    }

    static Gate flow(String tenant, String key) {
      return new Gate(null, new FlowRef(tenant, key));
    }
  }

  /** What became of a due message in a pass. */
  private enum Admission {
    STARTED,
    PARKED,
    SKIPPED,
    DROPPED
  }

  private final MessageStore store;
  private final Deliverer deliverer;
  private final OutgoingRequests requests;
  private final RecordOutcome recordOutcome;
  private final QueueService queues;
  private final FlowControlService flow;
  private final Clock clock;
  private final Options options;

  private final ConcurrentHashMap<MessageRef, InFlight> inFlight = new ConcurrentHashMap<>();
  // Deliveries in flight per destination host; a host leaves the map when its count drops to 0, so
  // the map holds the hosts being delivered to now, not every host ever seen.
  private final ConcurrentHashMap<String, Integer> perHost = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<MessageRef, Long> cancelled = new ConcurrentHashMap<>();
  private final Object[] stripes = new Object[64];
  private final AtomicLong pendingMin = new AtomicLong(Long.MAX_VALUE);
  // Due messages that could not start, per gate in due order (guarded by this). Their due entries
  // stay on disk, so a crash loses nothing; here they only wait for their gate to open. When a
  // gate's queue is full, further messages are skipped and the earliest is remembered, so the
  // scan can go back to it once the gate has drained.
  private final Map<Gate, ArrayDeque<DueRef>> parked = new HashMap<>();
  private final Set<MessageRef> parkedRefs = new HashSet<>();
  private final Map<Gate, DueRef> skipped = new HashMap<>();
  private final Map<Gate, Integer> skippedCount = new HashMap<>();
  private final AtomicLong delivered = new AtomicLong();
  // Position in the due index after which the next pass scans (null: from the start). Entries up
  // to it were started, parked, or already in flight. Guarded by this.
  private DueRef cursor;

  private final java.util.concurrent.ExecutorService sendPool;
  private volatile boolean running;
  private volatile Thread thread;
  // When the deliverer was last seen behind (millis), and the per-host cap that follows from it.
  private long laggedAt = Long.MIN_VALUE / 2;
  private int hostCap;

  // When the dispatch thread is parked on a timer: the time it wakes by itself; 0 while awake.
  private volatile long sleepingUntil;

  public Dispatcher(
      MessageStore store,
      Deliverer deliverer,
      OutgoingRequests requests,
      RecordOutcome recordOutcome,
      QueueService queues,
      FlowControlService flow,
      Clock clock,
      Options options) {
    this.store = store;
    this.deliverer = deliverer;
    this.requests = requests;
    this.recordOutcome = recordOutcome;
    this.queues = queues;
    this.flow = flow;
    this.clock = clock;
    this.options = options;
    this.hostCap = options.maxInFlightPerHost();
    this.sendPool =
        options.sendThreads() > 0
            ? java.util.concurrent.Executors.newFixedThreadPool(
                options.sendThreads(),
                r -> {
                  Thread t = new Thread(r, "postbox-send");
                  t.setDaemon(true);
                  return t;
                })
            : null;
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
        b.putMessage(m.get().toBuilder().withDueAt(now).build()).putDue(now, m.get());
      }
    }
    store.commit(b, Durability.SYNC).join();
    LOG.info("re-queued {} deliveries that were in flight when the broker stopped", refs.size());
    return refs.size();
  }

  /** A message became due at {@code dueAt} (its write has completed): look again from there. */
  public void notifyDue(long dueAt) {
    pendingMin.accumulateAndGet(dueAt, Math::min);
    long until = sleepingUntil;
    if (until == 0 || dueAt < until || dueAt <= clock.millis()) {
      wake(); // a message due later than the timer needs no extra pass (delayed publishes)
    }
  }

  /** Something other than a due time may let waiting messages start (a flow key was resumed). */
  public void wakeUp() {
    wake();
  }

  /** The global cap on deliveries in flight (§13.2 {@code parallelismMax}). */
  public int maxInFlight() {
    return options.maxInFlight();
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
    if (cursor != null && pending <= cursor.dueAt()) {
      cursor = DueRef.before(pending); // something became due at or before where we are
    }
    expireTombstones(now);
    int free = options.maxInFlight() - inFlight.size();
    if (free <= 0) {
      return 0;
    }
    if (options.lagLimitNanos() > 0 && deliverer.lagNanos() > options.lagLimitNanos()) {
      laggedAt = now;
    }
    hostCap =
        now - laggedAt < LAG_MEMORY_MILLIS
            ? Math.min(LAGGED_HOST_CAP, options.maxInFlightPerHost())
            : options.maxInFlightPerHost();
    StoreBatch batch = new StoreBatch();
    List<Message> started = new ArrayList<>();
    free = startParked(free, now, batch, started);
    DueRef nextCursor = cursor;
    // Scan about as many entries as could start, so a pass costs O(started), not O(backlog).
    int limit = Math.min(options.scanLimit(), Math.max(64, 2 * free));
    List<DueRef> due = free > 0 ? store.scanDue(cursor, now, limit) : List.of();
    for (DueRef d : due) {
      MessageRef ref = d.ref();
      if (inFlight.containsKey(ref) || parkedRefs.contains(ref)) {
        nextCursor = d; // claimed (its due entry is being removed) or waiting at its gate
        continue;
      }
      if (free == 0) {
        break;
      }
      String host = d.host();
      if (host != null && inFlightTo(host) >= hostCap) {
        // Its host is saturated: wait at its gate without reading the message (in a backlog for
        // one host, reading each entry here and again at its start cost most of a pass).
        park(Gate.host(host), d);
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
    sendAll(started, now);
    return started.size();
  }

  /**
   * Starts a due message if its host has a free slot and its flow-control key allows a start;
   * otherwise it waits at the gate that stopped it (or is skipped when that gate's queue is full).
   */
  private Admission admit(DueRef d, Message m, long now, StoreBatch batch, List<Message> started) {
    String host = d.host() != null ? d.host() : Hosts.of(m.url()); // the same, kept in the entry
    if (inFlightTo(host) >= hostCap) {
      return park(Gate.host(host), d);
    }
    FlowControl fc = m.flowControl();
    if (fc != null && !flow.tryStart(m.tenant(), fc, now)) {
      return park(Gate.flow(m.tenant(), fc.key()), d);
    }
    if (!start(d, m, host, now, batch, started)) {
      if (fc != null) {
        flow.undoStart(m.tenant(), fc.key());
      }
      return Admission.DROPPED;
    }
    if (fc != null) {
      inFlight.get(d.ref()).flow = new FlowRef(m.tenant(), fc.key());
    }
    return Admission.STARTED;
  }

  private Admission park(Gate gate, DueRef d) {
    ArrayDeque<DueRef> queue = parked.computeIfAbsent(gate, g -> new ArrayDeque<>());
    countWaiting(gate, 1);
    DueRef passedBy = skipped.get(gate);
    if (queue.size() >= MAX_PARKED_PER_GATE
        || parkedRefs.size() >= MAX_PARKED
        || (passedBy != null && DUE_ORDER.compare(d, passedBy) > 0)) {
      // Full, or messages before it were passed by (it must not overtake them): pass it by too,
      // so other gates' messages behind it are not held up; come back later.
      skipped.merge(gate, d, (a, b) -> DUE_ORDER.compare(a, b) <= 0 ? a : b);
      skippedCount.merge(gate, 1, Integer::sum);
      return Admission.SKIPPED;
    }
    queue.add(d);
    parkedRefs.add(d.ref());
    return Admission.PARKED;
  }

  private void countWaiting(Gate gate, int delta) {
    if (gate.flow() != null) {
      flow.waiting(gate.flow().tenant(), gate.flow().key(), delta);
    }
  }

  /** Whether a message waiting at {@code gate} could start now (as far as the gate goes). */
  private boolean isOpen(Gate gate, long now) {
    if (gate.host() != null) {
      return inFlightTo(gate.host()) < hostCap;
    }
    return flow.reopensAt(gate.flow().tenant(), gate.flow().key(), now) <= now;
  }

  /** Starts parked messages whose gates are open again, oldest first per gate. */
  private int startParked(int free, long now, StoreBatch batch, List<Message> started) {
    if (parked.isEmpty()) {
      return free;
    }
    Iterator<Map.Entry<Gate, ArrayDeque<DueRef>>> gates = parked.entrySet().iterator();
    List<DueRef> again = new ArrayList<>();
    while (gates.hasNext() && free > 0) {
      Map.Entry<Gate, ArrayDeque<DueRef>> e = gates.next();
      Gate gate = e.getKey();
      ArrayDeque<DueRef> queue = e.getValue();
      // First bring back what was passed by, so it can start in this very pass (nothing else
      // would wake the dispatcher for a host with nothing in flight).
      DueRef first = skipped.get(gate);
      if (first != null && queue.size() < MAX_PARKED_PER_GATE / 2) {
        if (gate.host() != null) {
          refill(gate, queue, first, now);
        } else {
          // A flow key drained: scan again from its earliest passed-by message.
          skipped.remove(gate);
          countWaiting(gate, -skippedCount.getOrDefault(gate, 0));
          skippedCount.remove(gate);
          again.add(first);
        }
      }
      while (!queue.isEmpty() && free > 0 && isOpen(gate, now)) {
        DueRef d = queue.poll();
        parkedRefs.remove(d.ref());
        countWaiting(gate, -1);
        Optional<Message> m = store.findMessage(d.ref());
        if (m.isEmpty()) {
          batch.deleteDue(d.dueAt(), d.ref());
        } else {
          Admission a = admit(d, m.get(), now, batch, started);
          if (a == Admission.STARTED) {
            free--;
          } else if (a != Admission.DROPPED) {
            break; // it waits again (at this gate or its host's): try the gate next pass
          }
        }
      }
      if (queue.isEmpty() && !skipped.containsKey(gate)) {
        gates.remove();
      }
    }
    for (DueRef d : again) {
      pendingMin.accumulateAndGet(d.dueAt(), Math::min);
    }
    return free;
  }

  /**
   * Refills a host's queue with the messages that were passed by while it was full, looking only
   * for that host's entries from {@code from} (inclusive) on; the scan cursor stays where it is. So
   * a one-host backlog larger than the queue is walked about once, where scanning again from the
   * earliest passed-by entry walked the rest of the backlog at every refill. Bounded per call;
   * where it stops is remembered for the next.
   */
  private void refill(Gate gate, ArrayDeque<DueRef> queue, DueRef from, long now) {
    DueRef position = from;
    int scanned = 0;
    // From the store, never `from` itself: it may be gone meanwhile (started, retried later).
    List<DueRef> due = store.scanDueFrom(from, now, REFILL_SCAN_LIMIT);
    while (true) {
      for (DueRef d : due) {
        if (queue.size() >= MAX_PARKED_PER_GATE || parkedRefs.size() >= MAX_PARKED) {
          skipped.put(gate, d); // full again: go on from here next time
          return;
        }
        position = d;
        scanned++;
        MessageRef ref = d.ref();
        if (inFlight.containsKey(ref) || parkedRefs.contains(ref)) {
          continue;
        }
        if (gate.host().equals(d.host() != null ? d.host() : storedHost(ref))) {
          queue.add(d);
          parkedRefs.add(ref);
        }
      }
      if (scanned >= REFILL_SCAN_LIMIT) {
        skipped.put(gate, position); // enough for one pass: go on from here next time
        return;
      }
      due = due.isEmpty() ? due : store.scanDue(position, now, REFILL_SCAN_LIMIT - scanned);
      if (due.isEmpty()) {
        skipped.remove(gate); // reached what is due now: nothing of this host was left behind
        skippedCount.remove(gate);
        return;
      }
    }
  }

  /** The host of a stored message, for due entries written without it (null: it is gone). */
  private String storedHost(MessageRef ref) {
    return store.findMessage(ref).map(m -> Hosts.of(m.url())).orElse(null);
  }

  /** Earliest time a rate-limited flow key with waiting messages opens again, or MAX_VALUE. */
  private long earliestReopen(long now) {
    long at = Long.MAX_VALUE;
    for (Map.Entry<Gate, ArrayDeque<DueRef>> e : parked.entrySet()) {
      FlowRef f = e.getKey().flow();
      if (f != null && !e.getValue().isEmpty()) {
        at = Math.min(at, flow.reopensAt(f.tenant(), f.key(), now));
      }
    }
    return at;
  }

  /** Claims one due message; false when it was cancelled meanwhile (its entry is dropped). */
  private boolean start(
      DueRef d, Message m, String host, long now, StoreBatch batch, List<Message> started) {
    if (!claim(d.ref(), host)) {
      batch.deleteDue(d.dueAt(), d.ref());
      return false;
    }
    perHost.merge(host, 1, Integer::sum);
    batch
        .deleteDue(d.dueAt(), d.ref())
        .putInFlight(d.ref(), now)
        .appendLog(LogEntry.of(now, MessageState.ACTIVE, m.withoutBody(), 0));
    started.add(m);
    return true;
  }

  private int inFlightTo(String host) {
    Integer n = perHost.get(host);
    return n == null ? 0 : n;
  }

  /** Destination hosts with a delivery in flight (those the per-host counters track). */
  int hostsTracked() {
    return perHost.size();
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

  /** Sends what a pass started: here, or split over the send threads. */
  private void sendAll(List<Message> started, long now) {
    int threads = options.sendThreads();
    if (sendPool == null || started.size() < 2 * threads) {
      for (Message m : started) {
        send(m, now);
      }
      return;
    }
    int per = (started.size() + threads - 1) / threads;
    for (int from = 0; from < started.size(); from += per) {
      List<Message> chunk = started.subList(from, Math.min(started.size(), from + per));
      try {
        sendPool.execute(() -> chunk.forEach(m -> send(m, now)));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        chunk.forEach(m -> send(m, now)); // stopping: send here
      }
    }
  }

  private void send(Message m, long now) {
    CompletableFuture<DeliveryResponse> response;
    try {
      DeliveryRequest request = requests.build(m, now);
      FlowControl fc = m.flowControl();
      if (fc != null) {
        flow.sending(m.tenant(), fc.key(), now, clock.millis()); // its rate counts from now on
      }
      // Safety net: whatever a deliverer does, an attempt ends, so its slot is never held forever.
      response =
          deliverer
              .deliver(request)
              .completeOnTimeout(
                  DeliveryResponse.transportFailure("no outcome from the HTTP client"),
                  request.timeoutMillis() + OUTCOME_GRACE_MILLIS,
                  java.util.concurrent.TimeUnit.MILLISECONDS);
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
                } else {
                  queues.committed(changes.batch()); // a final outcome frees a queue slot
                }
                release(ref, f);
                if (changes.earliestNewDue() != Long.MAX_VALUE) {
                  notifyDue(changes.earliestNewDue());
                }
              });
    } catch (RuntimeException e) {
      // Never leave the message marked in flight until the next restart: try it again later.
      LOG.error("could not record the outcome of {}; retrying it in a minute", m.id(), e);
      long due = clock.millis() + 60_000;
      store
          .commit(new StoreBatch().deleteInFlight(ref).putDue(due, m), Durability.ASYNC)
          .whenComplete((v, err) -> release(ref, f));
    }
  }

  private void release(MessageRef ref, InFlight f) {
    inFlight.remove(ref);
    if (f != null) {
      perHost.computeIfPresent(f.host, (h, n) -> n == 1 ? null : n - 1);
      FlowRef key = f.flow;
      if (key != null) {
        flow.finished(key.tenant(), key.key());
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
                    LogEntry.of(now, MessageState.CANCEL_REQUESTED, m.get().withoutBody(), 0));
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
    StoreBatch b = new StoreBatch();
    queues.onCancel(m, b); // leave its queue's waiting list, or give back its slot
    b.cancelMessage(m, now).deleteDue(m.dueAt(), ref);
    return store
        .commit(b, Durability.SYNC)
        .thenApply(
            v -> {
              queues.committed(b);
              return true;
            });
  }

  private void expireTombstones(long now) {
    if (!cancelled.isEmpty()) {
      cancelled.values().removeIf(t -> now - t > TOMBSTONE_MILLIS);
    }
  }

  private Object stripe(MessageRef ref) {
    return stripes[(ref.hashCode() & 0x7fffffff) % stripes.length];
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
      DueRef from;
      boolean canScan;
      synchronized (this) {
        from = cursor;
        canScan = inFlight.size() < options.maxInFlight();
        long reopen = earliestReopen(now); // a rate period of a key with waiting messages ends
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
      long waitMillis = wakeAt - now;
      sleepingUntil = wakeAt;
      // Read after publishing sleepingUntil: a notifyDue that saw the old value has woken us.
      if (waitMillis > 0 && running && pendingMin.get() >= wakeAt) {
        LockSupport.parkNanos(this, waitMillis * 1_000_000L);
      }
      sleepingUntil = 0;
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
    if (sendPool != null) {
      sendPool.shutdown(); // the sends already handed over still run
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
