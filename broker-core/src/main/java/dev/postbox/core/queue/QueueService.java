package dev.postbox.core.queue;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.group.UrlGroupService;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.store.StoreOp;
import dev.postbox.core.time.Clock;
import dev.postbox.core.util.TenantLimit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues (§11): FIFO delivery with at most {@code parallelism} messages of a queue active at once.
 *
 * <p>How it works. An enqueued message is stored with its CREATED log and a place at the end of its
 * queue's waiting list, not in the due index, in the same synced write. When the queue has a free
 * slot, the first waiting messages are promoted in one write: each leaves the waiting list, holds a
 * slot and enters the due index (a delayed head keeps its slot while it waits, so order is strict).
 * A message gives its slot back in the same write as its final outcome (delivered, dead-lettered or
 * cancelled); its callbacks hold the slot with it until they end too. So the disk always says which
 * messages wait and which hold slots, and a restart resumes each queue from its earliest waiting
 * message.
 *
 * <p>In memory, per queue: its settings, its slot holders and its waiting count, all rebuilt from
 * the store by {@link #recover()}. Promotions ("pumps") run on one executor; a pump and the changes
 * it reacts to are serialised by the queue's lock. Nothing waits for a commit while holding that
 * lock: commit completions run {@link #committed}, which takes it.
 */
public final class QueueService {
  private static final Logger LOG = LoggerFactory.getLogger(QueueService.class);

  /** Most parallelism a queue may have (more is a 412, as a plan limit would be). */
  public static final int MAX_PARALLELISM = 1000;

  /** Queues a tenant may have unless configured otherwise (creating one more is a 412). */
  public static final int DEFAULT_MAX_QUEUES = 10_000;

  private static final int DELETE_CHUNK = 500;

  private final MessageStore store;
  private final Clock clock;
  private final Executor pumps;

  private final Map<QueueRef, QueueState> states = new ConcurrentHashMap<>();
  // Queues that exist, per tenant; changed only under the lock of the queue that comes or goes.
  private final TenantLimit limit;
  private volatile LongConsumer dueListener = at -> {};

  public QueueService(MessageStore store, Clock clock, Executor pumps) {
    this(store, clock, pumps, DEFAULT_MAX_QUEUES);
  }

  /**
   * @param pumps runs promotions; they read the store and must not run on its commit thread
   * @param maxQueues queues a tenant may have; creating one more, explicitly or by enqueueing, is
   *     refused with LIMIT_EXCEEDED (412, as QStash's plan limit on queues)
   */
  public QueueService(MessageStore store, Clock clock, Executor pumps, int maxQueues) {
    this.store = store;
    this.clock = clock;
    this.pumps = pumps;
    this.limit = new TenantLimit("queue", "--max-queues", maxQueues);
  }

  /** Who to tell that promoted messages became due (the dispatcher's {@code notifyDue}). */
  public void bind(LongConsumer dueListener) {
    this.dueListener = dueListener;
  }

  /** A queue as the API shows it: its settings and its lag. */
  public record View(Queue queue, long lag) {}

  /** Loads every queue's settings, slot holders and waiting count; then fills free slots. */
  public void recover() {
    for (Queue q : store.listQueues(null)) {
      state(q.ref()).queue = q;
      limit.counted(q.tenant());
    }
    for (SlotHolder h : store.slotHolders()) {
      state(new QueueRef(h.tenant(), h.queue())).addHolder(h.holderId(), h.token());
    }
    store.waitingCounts().forEach((ref, n) -> state(ref).waiting = n);
    states.values().forEach(this::schedulePump);
  }

  // ---- management (§11.2) -------------------------------------------------------------------

  /** Creates or updates a queue. */
  public Queue upsert(String tenant, String name, int parallelism, boolean paused) {
    checkName(name);
    if (parallelism < 1) {
      throw new InvalidRequestException("parallelism must be at least 1, got " + parallelism);
    }
    if (parallelism > MAX_PARALLELISM) {
      throw new BrokerException(
          ErrorCode.LIMIT_EXCEEDED,
          "parallelism " + parallelism + " is above the maximum of " + MAX_PARALLELISM);
    }
    return change(tenant, name, true, q -> q.withSettings(parallelism, paused, clock.millis()));
  }

  public Queue pause(String tenant, String name) {
    return change(tenant, name, false, q -> q.withSettings(q.parallelism(), true, clock.millis()));
  }

  public Queue resume(String tenant, String name) {
    return change(tenant, name, false, q -> q.withSettings(q.parallelism(), false, clock.millis()));
  }

  private Queue change(
      String tenant, String name, boolean create, java.util.function.UnaryOperator<Queue> update) {
    checkName(name);
    QueueRef ref = new QueueRef(tenant, name);
    QueueState s = create ? state(ref) : states.get(ref);
    if (s == null) {
      throw new NotFoundException("queue " + name + " not found");
    }
    Queue q;
    Queue old;
    CompletableFuture<Void> written;
    synchronized (s) {
      old = s.queue;
      if (old == null && !create) {
        throw new NotFoundException("queue " + name + " not found");
      }
      if (old == null) {
        limit.take(tenant);
      }
      long now = clock.millis();
      q = update.apply(old != null ? old : new Queue(tenant, name, now, now, 1, false));
      s.queue = q;
      // Submitted under the lock (writes apply in order), waited for outside it: commit
      // completions take queue locks, so waiting here could deadlock.
      written = store.commit(new StoreBatch().putQueue(q), Durability.SYNC);
    }
    try {
      written.join();
    } catch (RuntimeException e) {
      synchronized (s) {
        if (s.queue == q) {
          s.queue = old;
          if (old == null) {
            limit.give(tenant);
          }
        }
      }
      throw e;
    }
    schedulePump(s);
    return q;
  }

  public View get(String tenant, String name) {
    checkName(name);
    QueueState s = states.get(new QueueRef(tenant, name));
    if (s != null) {
      synchronized (s) {
        if (s.queue != null) {
          return s.view();
        }
      }
    }
    throw new NotFoundException("queue " + name + " not found");
  }

  /** A tenant's queues in name order. */
  public List<View> list(String tenant) {
    List<View> out = new ArrayList<>();
    for (QueueState s : states.values()) {
      if (s.ref.tenant().equals(tenant)) {
        synchronized (s) {
          if (s.queue != null) {
            out.add(s.view());
          }
        }
      }
    }
    out.sort(Comparator.comparing(v -> v.queue().name()));
    return out;
  }

  /**
   * Deletes a queue and cancels the messages still waiting in it (§11.1, recommended). Messages
   * already active finish as they would have. Unknown queues are not an error.
   */
  public void delete(String tenant, String name) {
    checkName(name);
    QueueState s = states.get(new QueueRef(tenant, name));
    if (s == null) {
      return; // never existed since start-up (every queue on disk is loaded by recover)
    }
    long deletedAt;
    CompletableFuture<Void> written;
    synchronized (s) {
      deletedAt = clock.millis();
      if (s.queue != null) {
        limit.give(tenant);
      }
      s.queue = null;
      written = store.commit(new StoreBatch().deleteQueue(tenant, name), Durability.SYNC);
    }
    written.join(); // outside the lock, as in change()
    cancelWaiting(s, deletedAt);
  }

  /** Cancels the waiting messages enqueued before {@code before}, in chunks. */
  private void cancelWaiting(QueueState s, long before) {
    long after = -1;
    while (true) {
      StoreBatch b = new StoreBatch();
      boolean more;
      CompletableFuture<Void> written = null;
      synchronized (s) {
        List<WaitingEntry> chunk =
            store.scanWaiting(s.ref.tenant(), s.ref.name(), after, DELETE_CHUNK);
        more = chunk.size() == DELETE_CHUNK;
        for (WaitingEntry w : chunk) {
          after = w.seq();
          Optional<Message> m = store.findMessage(new MessageRef(w.tenant(), w.messageId()));
          if (m.isPresent() && m.get().createdAt() > before) {
            more = false; // enqueued after the delete, into a new queue of the same name
            break;
          }
          if (s.cancelling.add(w.seq())) {
            b.deleteQueued(w);
            m.ifPresent(msg -> b.cancelMessage(msg, clock.millis()));
          }
        }
        if (!b.isEmpty()) {
          written = store.commit(b, Durability.SYNC);
        }
      }
      if (written != null) {
        written.join();
        committed(b);
      }
      if (!more) {
        return;
      }
    }
  }

  // ---- hooks for the paths that create, finish or cancel messages ---------------------------

  /**
   * Adds to {@code b} the queues that {@code messages} are enqueued to and that do not exist yet
   * (created with parallelism 1, §3.3). Call before committing the batch that stores them.
   */
  public void prepare(List<Message> messages, StoreBatch b) {
    Map<QueueState, Queue> created = null; // most publishes create none
    try {
      for (Message m : messages) {
        if (m.queueName() == null || m.kind() != MessageKind.MESSAGE) {
          continue;
        }
        QueueState s = state(new QueueRef(m.tenant(), m.queueName()));
        synchronized (s) {
          if (s.queue == null) {
            limit.take(m.tenant());
            s.queue = new Queue(m.tenant(), m.queueName(), m.createdAt(), m.createdAt(), 1, false);
            b.putQueue(s.queue);
            if (created == null) {
              created = new java.util.HashMap<>();
            }
            created.put(s, s.queue);
          }
        }
      }
    } catch (BrokerException e) {
      // Over the limit: none of these messages is stored, so neither is any queue made for them.
      if (created != null) {
        created.forEach(
            (s, made) -> {
              synchronized (s) {
                if (s.queue == made) {
                  s.queue = null;
                  limit.give(s.ref.tenant());
                }
              }
            });
      }
      throw e;
    }
  }

  /**
   * A batch is durable: accounts for the messages it enqueued, the slots it took or gave back and
   * the waiting messages it removed, then fills the slots that became free. Cheap; promotions run
   * later on the pump executor.
   */
  public void committed(StoreBatch b) {
    if (!b.changesQueues()) {
      return; // most publishes and outcomes: nothing to do
    }
    Set<QueueState> touched = new LinkedHashSet<>();
    // Slots taken first, so a message handing its slot to its callback never frees it meanwhile.
    for (StoreOp op : b.ops()) {
      if (op instanceof StoreOp.PutQueued p) {
        QueueState s = state(new QueueRef(p.tenant(), p.queue()));
        synchronized (s) {
          s.waiting++;
        }
        touched.add(s);
      } else if (op instanceof StoreOp.PutSlotHolder h) {
        QueueState s = state(new QueueRef(h.tenant(), h.queue()));
        synchronized (s) {
          s.addHolder(h.holderId(), h.token());
        }
      }
    }
    for (StoreOp op : b.ops()) {
      if (op instanceof StoreOp.DeleteQueued d) {
        QueueState s = state(new QueueRef(d.tenant(), d.queue()));
        synchronized (s) {
          s.waiting--;
          s.cancelling.remove(d.seq());
        }
      } else if (op instanceof StoreOp.DeleteSlotHolder d) {
        QueueState s = state(new QueueRef(d.tenant(), d.queue()));
        synchronized (s) {
          s.removeHolder(d.holderId());
        }
        touched.add(s);
      }
    }
    touched.forEach(this::schedulePump);
  }

  /**
   * What cancelling {@code m}, which is not in flight, must change besides removing it: leave its
   * waiting place, or give back the slot it holds. Commit {@code b}, then call {@link #committed}.
   */
  public void onCancel(Message m, StoreBatch b) {
    if (m.queueName() == null) {
      return;
    }
    if (m.kind() != MessageKind.MESSAGE) {
      b.finishMessage(m, true);
      return;
    }
    QueueState s = state(new QueueRef(m.tenant(), m.queueName()));
    synchronized (s) {
      if (s.holders.containsKey(m.id())) {
        b.finishMessage(m, true);
        return;
      }
      Optional<WaitingEntry> w = store.findWaiting(m.tenant(), m.id());
      if (w.isPresent() && s.cancelling.add(w.get().seq())) {
        b.deleteQueued(w.get()); // the pump skips it until the delete is applied
      }
    }
  }

  // ---- promotion ------------------------------------------------------------------------------

  private void schedulePump(QueueState s) {
    synchronized (s) {
      if (s.pumpQueued) {
        return;
      }
      s.pumpQueued = true;
    }
    try {
      pumps.execute(() -> pump(s));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("not filling slots of queue {}: shutting down", s.ref);
    }
  }

  /** Moves the first waiting messages into the queue's free slots. */
  void pump(QueueState s) {
    StoreBatch b = new StoreBatch();
    List<WaitingEntry> promoted = new ArrayList<>();
    long earliest = Long.MAX_VALUE;
    CompletableFuture<Void> written;
    synchronized (s) {
      s.pumpQueued = false;
      Queue q = s.queue;
      if (q == null || q.paused()) {
        return;
      }
      int free = q.parallelism() - s.tokens.size();
      if (free <= 0 || s.waiting <= 0) {
        return;
      }
      List<WaitingEntry> next =
          store.scanWaiting(s.ref.tenant(), s.ref.name(), s.cursor, free + s.cancelling.size());
      for (WaitingEntry w : next) {
        if (free == 0) {
          break;
        }
        s.cursor = w.seq();
        if (s.cancelling.contains(w.seq())) {
          continue;
        }
        b.promoteQueued(w);
        s.addHolder(w.messageId(), w.messageId());
        s.waiting--;
        free--;
        promoted.add(w);
        earliest = Math.min(earliest, w.dueAt());
      }
      if (promoted.isEmpty()) {
        return;
      }
      // Submitted under the lock: commits apply in submission order, so a later pump's batch
      // never overtakes this one.
      written = store.commit(b, Durability.ASYNC);
    }
    long due = earliest;
    written.whenComplete(
        (v, err) -> {
          if (err == null) {
            dueListener.accept(due);
            return;
          }
          LOG.error("could not promote {} messages of queue {}", promoted.size(), s.ref, err);
          synchronized (s) {
            for (WaitingEntry w : promoted) {
              s.removeHolder(w.messageId());
              s.waiting++;
            }
            s.cursor = -1; // read the waiting list again from its start
          }
          schedulePump(s);
        });
  }

  /** Queues with state in memory (existing ones, and deleted ones that had state). */
  int statesHeld() {
    return states.size();
  }

  private QueueState state(QueueRef ref) {
    return states.computeIfAbsent(ref, QueueState::new);
  }

  /** Queue names follow URL-group names (§12.1): letters, digits, '.', '_' and '-'. */
  public static String checkName(String name) {
    return UrlGroupService.checkName(name, "queue name");
  }

  /** One queue's in-memory state; guarded by itself. */
  static final class QueueState {
    final QueueRef ref;
    Queue queue; // null: no such queue (never created, or deleted)
    final Map<String, String> holders = new java.util.HashMap<>(); // holder id -> slot token
    final Map<String, Integer> tokens = new java.util.HashMap<>(); // slot token -> holders
    long waiting;
    long cursor = -1; // place of the last promoted or skipped waiting message
    final Set<Long> cancelling = new java.util.HashSet<>();
    boolean pumpQueued;

    QueueState(QueueRef ref) {
      this.ref = ref;
    }

    void addHolder(String holderId, String token) {
      if (holders.putIfAbsent(holderId, token) == null) {
        tokens.merge(token, 1, Integer::sum);
      }
    }

    void removeHolder(String holderId) {
      String token = holders.remove(holderId);
      if (token != null) {
        tokens.computeIfPresent(token, (t, n) -> n > 1 ? n - 1 : null);
      }
    }

    View view() {
      return new View(queue, Math.max(0, waiting) + tokens.size());
    }
  }
}
