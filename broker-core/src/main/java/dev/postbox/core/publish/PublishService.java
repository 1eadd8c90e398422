package dev.postbox.core.publish;

import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.message.Message;
import dev.postbox.core.metrics.BrokerMetrics;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StorageQuota;
import dev.postbox.core.store.StoreBatch;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Accepts new messages: each is stored with its due-index entry (or, if enqueued, its place in its
 * queue) and its CREATED log in one synced write (several messages, e.g. a fan-out, in one write);
 * the future completes only once that write is on disk, and only then may the client be told the
 * message is accepted.
 */
public final class PublishService {
  private final MessageStore store;
  private final Dispatcher dispatcher;
  private final QueueService queues;
  private final FlowControlService flow;
  private final StorageQuota quota;
  private final BrokerMetrics metrics;

  public PublishService(
      MessageStore store,
      Dispatcher dispatcher,
      QueueService queues,
      FlowControlService flow,
      StorageQuota quota) {
    this(store, dispatcher, queues, flow, quota, BrokerMetrics.NONE);
  }

  /** As above, counting each accepted message in {@code metrics}. */
  public PublishService(
      MessageStore store,
      Dispatcher dispatcher,
      QueueService queues,
      FlowControlService flow,
      StorageQuota quota,
      BrokerMetrics metrics) {
    this.metrics = metrics;
    this.store = store;
    this.dispatcher = dispatcher;
    this.queues = queues;
    this.flow = flow;
    this.quota = quota;
  }

  /** Refuses with STORAGE_FULL (507) when the storage quota is reached. */
  public CompletableFuture<List<Message>> accept(List<Message> messages) {
    checkQuota();
    return acceptWith(messages, new StoreBatch()).thenApply(v -> messages);
  }

  /**
   * Stores new messages together with the other changes in {@code batch}, in one synced write, and
   * wakes the dispatcher once it is on disk. Does not check the quota: the caller decides.
   */
  public CompletableFuture<Void> acceptWith(List<Message> messages, StoreBatch batch) {
    queues.prepare(messages, batch);
    flow.prepare(messages, batch); // a declared flow-control key exists once this is on disk
    long earliest = Long.MAX_VALUE;
    for (Message m : messages) {
      batch.putNewMessage(m);
      if (m.queueName() == null) {
        earliest = Math.min(earliest, m.dueAt());
      }
    }
    long due = earliest;
    return store
        .commit(batch, Durability.SYNC)
        .thenRun(
            () -> {
              queues.committed(batch); // enqueued messages wait for a slot of their queue
              for (Message m : messages) {
                metrics.published(m.tenant());
              }
              if (due != Long.MAX_VALUE) {
                dispatcher.notifyDue(due);
              }
            });
  }

  /** Throws STORAGE_FULL (507) when the storage quota is reached. */
  public void checkQuota() {
    quota.check();
  }

  /** Whether the storage quota is reached (new messages would be refused). */
  public boolean storageFull() {
    return quota.isFull();
  }
}
