package dev.postbox.core.dlq;

import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.Page;
import dev.postbox.core.store.StorageQuota;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** The dead-letter queue (docs/api.md#dlq): list, read, delete and retry failed messages. */
public final class DlqService {
  private final MessageStore store;
  private final Dispatcher dispatcher;
  private final QueueService queues;
  private final FlowControlService flow;
  private final Clock clock;
  private final StorageQuota quota;

  public DlqService(
      MessageStore store,
      Dispatcher dispatcher,
      QueueService queues,
      FlowControlService flow,
      Clock clock,
      StorageQuota quota) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.queues = queues;
    this.flow = flow;
    this.clock = clock;
    this.quota = quota;
  }

  /**
   * How a retried message differs from the failed one (publish headers on the retry request).
   * Applied to a builder already reset to "new message, due now".
   */
  public interface Overrides extends UnaryOperator<Message.Builder> {
    Overrides NONE = b -> b;
  }

  /**
   * A bulk operation's result.
   *
   * @param items what was done, one per entry
   * @param nextCursor where to continue, or null when nothing more matches
   */
  public record Bulk<T>(List<T> items, String nextCursor) {}

  public Page<DlqEntry> list(
      String tenant, String cursor, int count, boolean newestFirst, Predicate<DlqEntry> filter) {
    return store.listDlq(tenant, cursor, count, newestFirst, filter);
  }

  public DlqEntry get(String tenant, String dlqId) {
    return store
        .findDlq(tenant, dlqId)
        .orElseThrow(() -> new NotFoundException("DLQ message " + dlqId + " not found"));
  }

  public CompletableFuture<Void> delete(String tenant, String dlqId) {
    get(tenant, dlqId);
    return store.commit(new StoreBatch().deleteDlq(tenant, dlqId), Durability.SYNC);
  }

  /** Deletes the listed entries that exist; completes with how many were deleted. */
  public CompletableFuture<Integer> deleteIds(String tenant, Collection<String> dlqIds) {
    StoreBatch b = new StoreBatch();
    int n = 0;
    for (String id : dlqIds) {
      if (store.findDlq(tenant, id).isPresent()) {
        b.deleteDlq(tenant, id);
        n++;
      }
    }
    int deleted = n;
    return store.commit(b, Durability.SYNC).thenApply(v -> deleted);
  }

  public CompletableFuture<Bulk<String>> deleteMatching(
      String tenant, String cursor, int count, Predicate<DlqEntry> filter) {
    Page<DlqEntry> page = store.listDlq(tenant, cursor, count, false, filter);
    StoreBatch b = new StoreBatch();
    List<String> ids = new ArrayList<>();
    for (DlqEntry e : page.items()) {
      b.deleteDlq(tenant, e.dlqId());
      ids.add(e.dlqId());
    }
    return store
        .commit(b, Durability.SYNC)
        .thenApply(v -> new Bulk<>(ids, moreAfter(tenant, page, filter)));
  }

  /** Re-publishes one entry as a new message and removes it from the DLQ, atomically. */
  public CompletableFuture<Message> retry(String tenant, String dlqId, Overrides overrides) {
    return retryAll(List.of(get(tenant, dlqId)), overrides).thenApply(l -> l.get(0));
  }

  /** Retries the listed entries; fails with 404 (nothing done) if any is missing. */
  public CompletableFuture<List<Message>> retryIds(
      String tenant, Collection<String> dlqIds, Overrides overrides) {
    List<DlqEntry> entries = new ArrayList<>();
    for (String id : dlqIds) {
      entries.add(get(tenant, id));
    }
    return retryAll(entries, overrides);
  }

  public CompletableFuture<Bulk<Message>> retryMatching(
      String tenant, String cursor, int count, Predicate<DlqEntry> filter, Overrides overrides) {
    Page<DlqEntry> page = store.listDlq(tenant, cursor, count, false, filter);
    return retryAll(page.items(), overrides)
        .thenApply(list -> new Bulk<>(list, moreAfter(tenant, page, filter)));
  }

  /** The page's cursor only if at least one more matching entry exists after it. */
  public String moreAfter(String tenant, Page<DlqEntry> page, Predicate<DlqEntry> filter) {
    if (page.nextCursor() == null) {
      return null;
    }
    return store.listDlq(tenant, page.nextCursor(), 1, false, filter).items().isEmpty()
        ? null
        : page.nextCursor();
  }

  private CompletableFuture<List<Message>> retryAll(List<DlqEntry> entries, Overrides overrides) {
    long now = clock.millis();
    StoreBatch b = new StoreBatch();
    List<Message> created = new ArrayList<>();
    for (DlqEntry e : entries) {
      Message.Builder fresh =
          e.message().toBuilder()
              .withId(Ids.messageId())
              .withRetried(0)
              .withCreatedAt(now)
              .withNotBefore(now)
              .withDueAt(now);
      if (e.message().kind() != MessageKind.MESSAGE) {
        fresh.withQueueName(null); // a retried callback no longer belongs to its source's slot
      }
      Message m = overrides.apply(fresh).build();
      b.deleteDlq(e.tenant(), e.dlqId());
      created.add(m);
    }
    return commitNew(created, b).thenApply(v -> created);
  }

  /**
   * Commits {@code b} with {@code created} added as new messages, placed in their queues and flow
   * control as a publish places them, in one write; then wakes the dispatcher for them. Refuses
   * with 507 when the storage quota is reached.
   */
  public CompletableFuture<Void> commitNew(List<Message> created, StoreBatch b) {
    quota.check();
    long earliest = Long.MAX_VALUE;
    for (Message m : created) {
      earliest = Math.min(earliest, m.dueAt());
    }
    queues.prepare(created, b); // a retried queued message goes back to the end of its queue
    flow.prepare(created, b);
    created.forEach(b::putNewMessage);
    long due = earliest;
    return store
        .commit(b, Durability.SYNC)
        .thenApply(
            v -> {
              queues.committed(b);
              if (due != Long.MAX_VALUE) {
                dispatcher.notifyDue(due);
              }
              return null;
            });
  }
}
