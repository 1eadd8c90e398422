package dev.postbox.core.queue;

import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.store.StoreOp;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The queues' in-memory states. A state is let go once nothing of its queue is left (the queue is
 * deleted and none of its messages waits, holds a slot or is being cancelled), so deleted queues
 * and names that never became queues cost no memory. Whoever changes a state goes through {@link
 * #apply}, which finds or makes it and retries when it was let go meanwhile.
 */
final class QueueTable {
  private final Map<QueueRef, QueueState> states = new ConcurrentHashMap<>();

  /**
   * Runs {@code use} on the queue's state, made if absent, under its lock; lets the state go
   * afterwards if {@code use} left nothing in it (even when {@code use} throws).
   */
  <T> T apply(QueueRef ref, Function<QueueState, T> use) {
    while (true) {
      QueueState s = states.computeIfAbsent(ref, QueueState::new);
      synchronized (s) {
        if (!s.dropped) { // else it was let go after we found it: find or make it again
          try {
            return use.apply(s);
          } finally {
            dropIfUnused(s);
          }
        }
      }
    }
  }

  /** As {@link #apply}, for a change that returns nothing: returns the state it changed. */
  QueueState update(QueueRef ref, Consumer<QueueState> change) {
    return apply(
        ref,
        s -> {
          change.accept(s);
          return s;
        });
  }

  /**
   * As {@link #apply}, but only on a state that exists; null, without calling {@code use}, else.
   */
  <T> T applyIfPresent(QueueRef ref, Function<QueueState, T> use) {
    while (true) {
      QueueState s = states.get(ref);
      if (s == null) {
        return null;
      }
      synchronized (s) {
        if (!s.dropped) {
          try {
            return use.apply(s);
          } finally {
            dropIfUnused(s);
          }
        }
      }
    }
  }

  /** The queue's state, if it has one; read it under its lock (it may have been let go). */
  QueueState find(QueueRef ref) {
    return states.get(ref);
  }

  /** Lets {@code s} go if nothing of its queue is left; call after a change that may empty it. */
  void dropIfUnused(QueueState s) {
    synchronized (s) {
      if (!s.dropped && s.unused()) {
        s.dropped = true;
        states.remove(s.ref, s);
      }
    }
  }

  /**
   * Accounts for a durable batch: the messages it enqueued, the slots it took or gave back and the
   * waiting messages it removed.
   *
   * @return the queues whose free slots or waiting messages may have grown
   */
  Set<QueueState> account(StoreBatch b) {
    Set<QueueState> touched = new LinkedHashSet<>();
    // Slots taken first, so a message handing its slot to its callback never frees it meanwhile.
    for (StoreOp op : b.ops()) {
      if (op instanceof StoreOp.PutQueued p) {
        touched.add(update(new QueueRef(p.tenant(), p.queue()), s -> s.waiting++));
      } else if (op instanceof StoreOp.PutSlotHolder h) {
        update(new QueueRef(h.tenant(), h.queue()), s -> s.addHolder(h.holderId(), h.token()));
      }
    }
    for (StoreOp op : b.ops()) {
      if (op instanceof StoreOp.DeleteQueued d) {
        update(
            new QueueRef(d.tenant(), d.queue()),
            s -> {
              s.waiting--;
              s.cancelling.remove(d.seq());
            });
      } else if (op instanceof StoreOp.DeleteSlotHolder d) {
        touched.add(update(new QueueRef(d.tenant(), d.queue()), s -> s.removeHolder(d.holderId())));
      }
    }
    return touched;
  }

  Collection<QueueState> all() {
    return states.values();
  }

  int size() {
    return states.size();
  }
}
