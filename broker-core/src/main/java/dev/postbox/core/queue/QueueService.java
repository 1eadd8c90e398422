package dev.postbox.core.queue;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.group.UrlGroupService;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import dev.postbox.core.util.TenantLimit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * Queues (see docs/api.md#queues): FIFO delivery with at most {@code parallelism} messages of a
 * queue active at once.
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
 * the store by {@link #recover()}, and let go once the queue is deleted and none of its messages is
 * left ({@link QueueTable}). Promotions run on one executor ({@link Promoter}); a promotion and the
 * changes it reacts to are serialised by the queue's lock. Nothing waits for a commit while holding
 * that lock: commit completions run {@link #committed}, which takes it.
 */
public final class QueueService {
  /** Most parallelism a queue may have (more is a 412, as a plan limit would be). */
  public static final int MAX_PARALLELISM = 1000;

  /** Queues a tenant may have unless configured otherwise (creating one more is a 412). */
  public static final int DEFAULT_MAX_QUEUES = 10_000;

  private final MessageStore store;
  private final Clock clock;
  private final QueueTable table = new QueueTable();
  private final Promoter promoter;
  private final CancelWaiting cancelWaiting;
  // Queues that exist, per tenant; changed only under the lock of the queue that comes or goes.
  private final TenantLimit limit;

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
    this.promoter = new Promoter(store, pumps);
    this.cancelWaiting = new CancelWaiting(store, clock, this::committed);
    this.limit = new TenantLimit("queue", "--max-queues", maxQueues);
  }

  /** Who to tell that promoted messages became due (the dispatcher's {@code notifyDue}). */
  public void bind(LongConsumer dueListener) {
    promoter.bind(dueListener);
  }

  /** A queue as the API shows it: its settings and its lag. */
  public record View(Queue queue, long lag) {}

  /** Loads every queue's settings, slot holders and waiting count; then fills free slots. */
  public void recover() {
    for (Queue q : store.listQueues(null)) {
      table.update(q.ref(), s -> s.queue = q);
      limit.counted(q.tenant());
    }
    for (SlotHolder h : store.slotHolders()) {
      table.update(new QueueRef(h.tenant(), h.queue()), s -> s.addHolder(h.holderId(), h.token()));
    }
    store.waitingCounts().forEach((ref, n) -> table.update(ref, s -> s.waiting = n));
    table.all().forEach(promoter::schedule);
  }

  // ---- management (docs/api.md#queues) ----------------------------------------------------------

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

  /** A settings change under way: the state, the settings before and after, and their write. */
  private record Change(QueueState state, Queue old, Queue next, CompletableFuture<Void> written) {}

  private Queue change(String tenant, String name, boolean create, UnaryOperator<Queue> update) {
    checkName(name);
    QueueRef ref = new QueueRef(tenant, name);
    Change c =
        create
            ? table.apply(ref, s -> submit(s, true, update))
            : table.applyIfPresent(ref, s -> submit(s, false, update));
    if (c == null) {
      throw new NotFoundException("queue " + name + " not found");
    }
    QueueState s = c.state();
    try {
      c.written().join();
    } catch (RuntimeException e) {
      synchronized (s) {
        if (s.queue == c.next()) {
          s.queue = c.old();
          if (c.old() == null) {
            limit.give(tenant);
          }
        }
      }
      table.dropIfUnused(s);
      throw e;
    }
    promoter.schedule(s);
    return c.next();
  }

  /** Applies {@code update} to the queue of {@code s}, under its lock, and submits the write. */
  private Change submit(QueueState s, boolean create, UnaryOperator<Queue> update) {
    Queue old = s.queue;
    if (old == null && !create) {
      throw new NotFoundException("queue " + s.ref.name() + " not found");
    }
    if (old == null) {
      limit.take(s.ref.tenant());
    }
    long now = clock.millis();
    Queue q =
        update.apply(
            old != null ? old : new Queue(s.ref.tenant(), s.ref.name(), now, now, 1, false));
    s.queue = q;
    // Submitted under the lock (writes apply in order), waited for outside it: commit
    // completions take queue locks, so waiting here could deadlock.
    return new Change(s, old, q, store.commit(new StoreBatch().putQueue(q), Durability.SYNC));
  }

  public View get(String tenant, String name) {
    checkName(name);
    QueueState s = table.find(new QueueRef(tenant, name));
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
    for (QueueState s : table.all()) {
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

  /** A delete under way: the state, when the delete happened, and its write. */
  private record Delete(QueueState state, long at, CompletableFuture<Void> written) {}

  /**
   * Deletes a queue and cancels the messages still waiting in it. Messages already active finish as
   * they would have; the queue's state in memory goes once they have. Unknown queues are not an
   * error.
   */
  public void delete(String tenant, String name) {
    checkName(name);
    Delete d =
        table.applyIfPresent(
            new QueueRef(tenant, name),
            s -> {
              if (s.queue != null) {
                limit.give(tenant);
              }
              s.queue = null;
              long at = clock.millis();
              CompletableFuture<Void> written =
                  store.commit(new StoreBatch().deleteQueue(tenant, name), Durability.SYNC);
              s.deleting++; // keeps the state while its waiting messages are cancelled
              return new Delete(s, at, written);
            });
    if (d == null) {
      return; // not in memory: no such queue (every queue on disk is loaded by recover)
    }
    QueueState s = d.state();
    try {
      d.written().join(); // outside the lock, as in change()
      cancelWaiting.run(s, d.at());
    } finally {
      synchronized (s) {
        s.deleting--;
      }
      table.dropIfUnused(s);
    }
  }

  // ---- hooks for the paths that create, finish or cancel messages ---------------------------

  /**
   * Adds to {@code b} the queues that {@code messages} are enqueued to and that do not exist yet
   * (created with parallelism 1, see docs/api.md#publishing). Call before committing the batch that
   * stores them.
   */
  public void prepare(List<Message> messages, StoreBatch b) {
    Map<QueueState, Queue> created = new HashMap<>(); // most publishes create none: stays empty
    try {
      for (Message m : messages) {
        if (m.queueName() == null || m.kind() != MessageKind.MESSAGE) {
          continue;
        }
        table.update(
            new QueueRef(m.tenant(), m.queueName()),
            s -> {
              if (s.queue == null) {
                limit.take(m.tenant());
                s.queue =
                    new Queue(m.tenant(), m.queueName(), m.createdAt(), m.createdAt(), 1, false);
                b.putQueue(s.queue);
                created.put(s, s.queue);
              }
            });
      }
    } catch (BrokerException e) {
      // Over the limit: none of these messages is stored, so neither is any queue made for them.
      created.forEach(
          (s, made) -> {
            synchronized (s) {
              if (s.queue == made) {
                s.queue = null;
                limit.give(s.ref.tenant());
              }
            }
            table.dropIfUnused(s);
          });
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
    table.account(b).forEach(promoter::schedule);
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
    table.update(
        new QueueRef(m.tenant(), m.queueName()),
        s -> {
          if (s.holders.containsKey(m.id())) {
            b.finishMessage(m, true);
            return;
          }
          Optional<WaitingEntry> w = store.findWaiting(m.tenant(), m.id());
          if (w.isPresent() && s.cancelling.add(w.get().seq())) {
            b.deleteQueued(w.get()); // the pump skips it until the delete is applied
          }
        });
  }

  /**
   * Messages waiting for a slot, by queue, from the counts kept in memory (no storage read): for
   * metrics. Queues with none waiting are left out.
   */
  public Map<QueueRef, Long> waitingCounts() {
    Map<QueueRef, Long> out = new HashMap<>();
    for (QueueState s : table.all()) {
      long waiting;
      synchronized (s) {
        waiting = s.waiting;
      }
      if (waiting > 0) {
        out.put(s.ref, waiting);
      }
    }
    return out;
  }

  /**
   * Whether a queue of {@code tenant} (null: of any tenant) has a message waiting that a free slot
   * takes now, or a promotion under way: test mode's flush waits for these (docs/testing.md).
   */
  public boolean anyStartable(String tenant) {
    for (QueueState s : table.all()) {
      synchronized (s) {
        if ((tenant == null || s.ref.tenant().equals(tenant))
            && (s.pumpQueued
                || (s.queue != null
                    && !s.queue.paused()
                    && s.waiting > 0
                    && s.tokens.size() < s.queue.parallelism()))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Queues with state in memory (existing ones, and deleted ones with messages still active). */
  int statesHeld() {
    return table.size();
  }

  /**
   * Queue names follow URL-group names (see docs/api.md#url-groups): letters, digits, '.', '_' and
   * '-'.
   */
  public static String checkName(String name) {
    return UrlGroupService.checkName(name, "queue name");
  }
}
