package dev.postbox.core.queue;

import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the first waiting messages of a queue into its free slots ("pumps"), on one executor: each
 * promoted message leaves the waiting list, holds a slot and enters the due index, in one write. A
 * pump and the changes it reacts to are serialised by the queue's lock; at most one pump per queue
 * is queued at a time.
 */
final class Promoter {
  private static final Logger LOG = LoggerFactory.getLogger(Promoter.class);

  private final MessageStore store;
  private final Executor pumps;
  private volatile LongConsumer dueListener = at -> {};

  Promoter(MessageStore store, Executor pumps) {
    this.store = store;
    this.pumps = pumps;
  }

  void bind(LongConsumer dueListener) {
    this.dueListener = dueListener;
  }

  /** Queues a pump of {@code s}, unless one is queued already. */
  void schedule(QueueState s) {
    synchronized (s) {
      if (s.pumpQueued) {
        return;
      }
      s.pumpQueued = true;
    }
    try {
      pumps.execute(() -> pump(s));
    } catch (RejectedExecutionException e) {
      LOG.debug("not filling slots of queue {}: shutting down", s.ref);
    }
  }

  /** Moves the first waiting messages into the queue's free slots. */
  private void pump(QueueState s) {
    StoreBatch b = new StoreBatch();
    List<WaitingEntry> promoted = new ArrayList<>();
    long earliest = Long.MAX_VALUE;
    CompletableFuture<Void> written;
    synchronized (s) {
      s.pumpQueued = false;
      Queue q = s.queue;
      if (s.dropped || q == null || q.paused()) {
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
          schedule(s);
        });
  }
}
