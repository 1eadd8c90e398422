package dev.postbox.core.workflow;

import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels what is still pending of a run that a step's outcome failed (docs/workflow.md): its
 * parallel branches, sleeps, calls and call answers. The outcome that fails a run is recorded on an
 * event loop, which must not read the store, so its batch holds only the run's end; once that batch
 * is on disk the run's pending messages are cancelled here, in a second write, on {@code executor}
 * (the history read and the message reads block). That is safe because the run has ended in memory
 * and on disk first: nothing can be appended to it any more (steps are refused, calls bring no
 * answer back, its waiters are gone), so the history read here lists every message it has. A crash
 * between the two writes leaves those messages pending: they are delivered after the restart, and
 * the SDK's next publish for the run is refused as for any ended run.
 */
final class PendingCancels {
  private static final Logger LOG = LoggerFactory.getLogger(PendingCancels.class);

  private final MessageStore store;
  private final Dispatcher dispatcher;
  private final Executor executor;

  PendingCancels(MessageStore store, Dispatcher dispatcher, Executor executor) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.executor = executor;
  }

  /**
   * The messages a run has made: its trigger (not in the history until the SDK's first step) and
   * every message of its history. The caller holds {@code lr}'s monitor and has awaited its writes.
   */
  static Set<MessageRef> ofRun(RunTable.LiveRun lr, MessageStore store) {
    Set<MessageRef> refs = new LinkedHashSet<>();
    refs.add(new MessageRef(lr.tenant, lr.run.triggerMessageId()));
    for (HistoryEntry e : store.readHistory(lr.tenant, lr.runId, Long.MAX_VALUE)) {
      refs.add(new MessageRef(lr.tenant, e.messageId()));
    }
    return refs;
  }

  /** Cancels, on the executor, the pending messages of a run whose end is on disk. */
  void afterEnd(RunTable.LiveRun lr) {
    try {
      executor.execute(() -> cancel(lr));
    } catch (RuntimeException e) { // a pool shutting down
      LOG.warn("could not cancel the pending messages of ended run {}", lr.runId, e);
    }
  }

  private void cancel(RunTable.LiveRun lr) {
    StoreBatch b = new StoreBatch();
    CompletableFuture<Void> write;
    try {
      synchronized (lr) {
        if (lr.run == null || !lr.run.ended()) {
          return; // read again since: this entry is not the one that ended
        }
        lr.awaitWrites(); // callbacks appended before the end are in the history below
        if (dispatcher.cancelInto(ofRun(lr, store), b).isEmpty()) {
          return;
        }
        write = store.commit(b, Durability.SYNC);
        lr.lastWrite = write;
      }
    } catch (RuntimeException e) {
      LOG.warn("could not cancel the pending messages of ended run {}", lr.runId, e);
      return;
    }
    write.whenComplete(
        (v, err) -> {
          if (err != null) {
            LOG.warn("could not cancel the pending messages of ended run {}", lr.runId, err);
          } else {
            dispatcher.cancelCommitted(b);
          }
        });
  }
}
