package dev.postbox.core.queue;

import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A deleted queue's waiting messages are cancelled, in chunks of synced writes: each leaves the
 * waiting list and its record goes, with CANCEL_REQUESTED and CANCELED logged.
 */
final class CancelWaiting {
  static final int CHUNK = 500;

  private final MessageStore store;
  private final Clock clock;
  private final Consumer<StoreBatch> committed;

  /**
   * @param committed told of each chunk once it is durable (the queue service's accounting)
   */
  CancelWaiting(MessageStore store, Clock clock, Consumer<StoreBatch> committed) {
    this.store = store;
    this.clock = clock;
    this.committed = committed;
  }

  /**
   * Cancels the waiting messages of {@code s} enqueued before {@code before}. The caller keeps
   * {@code s} in use meanwhile ({@link QueueState#deleting}).
   */
  void run(QueueState s, long before) {
    long after = -1;
    while (true) {
      StoreBatch b = new StoreBatch();
      boolean more;
      CompletableFuture<Void> written = null;
      synchronized (s) {
        List<WaitingEntry> chunk = store.scanWaiting(s.ref.tenant(), s.ref.name(), after, CHUNK);
        more = chunk.size() == CHUNK;
        for (WaitingEntry w : chunk) {
          after = w.seq();
          Optional<Message> m = store.findMessage(new MessageRef(w.tenant(), w.messageId()));
          if (m.isPresent() && m.get().createdAt() > before) {
            more = false; // enqueued after the delete, into a new queue of the same name
            break;
          }
          if (s.cancelling.add(w.seq())) {
            b.deleteQueued(w);
            if (m.isPresent()) {
              b.cancelMessage(m.get(), clock.millis());
            }
          }
        }
        if (!b.isEmpty()) {
          written = store.commit(b, Durability.SYNC);
        }
      }
      if (written != null) {
        written.join();
        committed.accept(b);
      }
      if (!more) {
        return;
      }
    }
  }
}
