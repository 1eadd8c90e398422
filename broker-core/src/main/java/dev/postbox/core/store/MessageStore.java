package dev.postbox.core.store;

import dev.postbox.core.flow.FlowKey;
import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.EndedMessage;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.publish.DedupRecord;
import dev.postbox.core.queue.Queue;
import dev.postbox.core.queue.QueueRef;
import dev.postbox.core.queue.SlotHolder;
import dev.postbox.core.queue.WaitingEntry;
import dev.postbox.core.schedule.RunState;
import dev.postbox.core.schedule.Schedule;
import dev.postbox.core.schedule.ScheduleRef;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.workflow.FailureCall;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.RunListing;
import dev.postbox.core.workflow.WaitEvent;
import dev.postbox.core.workflow.Waiter;
import dev.postbox.core.workflow.WorkflowRun;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Everything the broker persists: messages, the due index, in-flight marks, logs, the DLQ,
 * schedules, URL groups, queues (settings, waiting lists, slots), flow-control keys, deduplication
 * ids, signing keys, and workflow runs with their histories. Every key is prefixed by the tenant
 * id, so one tenant's reads never see another's.
 *
 * <p>Thread-safety: all methods may be called from any thread. {@link #commit} never blocks the
 * caller: it queues the batch and returns a future. Commits apply, and become visible to reads, in
 * the order they were submitted; their futures complete in submission order within each {@link
 * Durability} class (a SYNC commit completes once on disk, so it may complete after an ASYNC one
 * submitted later). Reads are blocking but bounded (point lookups and bounded scans) and see every
 * commit whose future has completed.
 */
public interface MessageStore extends AutoCloseable {

  /**
   * Applies the batch atomically. The future completes once the batch is applied and, for {@link
   * Durability#SYNC}, on disk; it completes exceptionally with a {@code StorageException} if the
   * batch could not be written (then none of it was applied).
   */
  CompletableFuture<Void> commit(StoreBatch batch, Durability durability);

  Optional<Message> findMessage(MessageRef ref);

  /**
   * The ended record of a message (see {@link StoreOp.PutEnded}), body included, if one was stored
   * and not yet removed by {@link #expireEnded}. The caller decides whether it is still within its
   * window.
   */
  Optional<EndedMessage> findEnded(MessageRef ref);

  /**
   * Deletes a tenant's ended records that ended before {@code before} (epoch ms), through a
   * time-ordered index (no full scan). Returns how many were deleted.
   */
  int expireEnded(String tenant, long before);

  /**
   * Due-index entries strictly after the position {@code after} (null: from the start) with {@code
   * dueAt <= to}, in (dueAt, tenant, id) order, at most {@code limit}.
   */
  List<DueRef> scanDue(DueRef after, long to, int limit);

  /** As {@link #scanDue}, but from the position {@code from} itself (included if it exists). */
  List<DueRef> scanDueFrom(DueRef from, long to, int limit);

  /** The first due-index entry strictly after {@code after} (null: from the start), if any. */
  Optional<DueRef> firstDue(DueRef after);

  /** All in-flight marks (used on start to re-queue deliveries whose outcome is unknown). */
  List<MessageRef> inFlight();

  /**
   * Messages of a tenant in id order, starting after {@code afterId} (null for the start), keeping
   * those that match, until {@code limit} matches or the end.
   */
  List<Message> scanMessages(String tenant, String afterId, int limit, Predicate<Message> filter);

  /**
   * Log entries of a tenant, newest first when {@code newestFirst}, starting strictly after the
   * position {@code cursor} (null for the start), keeping the ones that match, at most {@code
   * limit}. {@code nextCursor} is the position of the last returned entry when more may follow.
   */
  Page<Positioned<LogEntry>> listLogs(
      String tenant, String cursor, int limit, boolean newestFirst, Predicate<LogEntry> filter);

  /**
   * Like {@link #listLogs(String, String, int, boolean, Predicate)}, for the entries within {@code
   * scope} only: a store may skip the others without reading or decoding them, so a narrow time
   * range or a few message ids are cheap however many entries there are.
   */
  default Page<Positioned<LogEntry>> listLogs(
      String tenant,
      String cursor,
      int limit,
      boolean newestFirst,
      LogScope scope,
      Predicate<LogEntry> filter) {
    return listLogs(tenant, cursor, limit, newestFirst, e -> scope.contains(e) && filter.test(e));
  }

  /**
   * Deletes a tenant's log entries older than {@code before} (epoch ms), and what only they still
   * need (a finished message's body kept for its CREATED entry).
   */
  void expireLogs(String tenant, long before);

  Optional<DlqEntry> findDlq(String tenant, String dlqId);

  /** Like {@link #listLogs} for the DLQ; positions are the dlqIds. */
  Page<DlqEntry> listDlq(
      String tenant, String cursor, int limit, boolean newestFirst, Predicate<DlqEntry> filter);

  /** Deletes a tenant's DLQ entries that failed before {@code before} (epoch ms). */
  void expireDlq(String tenant, long before);

  Optional<SigningKeys> findSigningKeys(String tenant);

  Optional<Schedule> findSchedule(ScheduleRef ref);

  /**
   * Schedules of every tenant in (tenant, id) order strictly after {@code after} (null: from the
   * start), at most {@code limit}; with {@code tenant} non-null, only that tenant's.
   */
  List<Schedule> scanSchedules(String tenant, ScheduleRef after, int limit);

  /** The recorded end states of messages a schedule produced, by message id. */
  Map<String, RunState> runStates(ScheduleRef ref);

  Optional<UrlGroup> findGroup(String tenant, String name);

  /** A tenant's URL groups in name order. */
  List<UrlGroup> listGroups(String tenant);

  /** A deduplication record, if one was stored and not yet expired by {@link #expireDedup}. */
  Optional<DedupRecord> findDedup(String tenant, String id);

  /**
   * Deletes a tenant's deduplication records whose window ended before {@code now}, through a
   * time-ordered index (no full scan). Returns how many were deleted.
   */
  int expireDedup(String tenant, long now);

  Optional<Queue> findQueue(String tenant, String name);

  /** The queues of {@code tenant} in name order, or of every tenant when it is null. */
  List<Queue> listQueues(String tenant);

  /**
   * Waiting messages of one queue in queue order, strictly after place {@code afterSeq} (-1: from
   * the start), at most {@code limit}.
   */
  List<WaitingEntry> scanWaiting(String tenant, String queue, long afterSeq, int limit);

  /** Where a message waits in its queue, if it is waiting (not yet moved into a slot). */
  Optional<WaitingEntry> findWaiting(String tenant, String messageId);

  /** Number of waiting messages of every queue that has any (read once, on start). */
  Map<QueueRef, Long> waitingCounts();

  /** Every message that holds a queue slot (read once, on start). */
  List<SlotHolder> slotHolders();

  /** Every stored flow-control key configuration (for the management API's list). */
  List<FlowKey> listFlowKeys();

  /** One stored flow-control key configuration (read when the key is first used after a start). */
  Optional<FlowKey> findFlowKey(String tenant, String key);

  /** A workflow run with its end merged in (null while it goes on). */
  Optional<WorkflowRun> findRun(String tenant, String runId);

  /**
   * A tenant's workflow runs in run-id order strictly after {@code afterRunId} (null: from the
   * start), keeping those that match, until {@code limit} matches or the end.
   */
  List<WorkflowRun> scanRuns(
      String tenant, String afterRunId, int limit, Predicate<WorkflowRun> filter);

  /**
   * A page of a tenant's workflow runs (ends merged in), newest first as {@link RunListing} says,
   * with creation times in {@code [fromMs, toMs]}, keeping those that match. It stops after {@code
   * limit} matches or {@code maxScanned} runs looked at; {@code nextCursor} is the position of the
   * last run looked at when more may follow, else null.
   */
  Page<WorkflowRun> listRuns(String tenant, RunListing listing, Predicate<WorkflowRun> filter);

  /** A run's history entries with {@code seq <= upToSeq}, in seq order. */
  List<HistoryEntry> readHistory(String tenant, String runId, long upToSeq);

  /** One more than the highest stored history seq of a run, 0 when it has none. */
  long nextHistorySeq(String tenant, String runId);

  /** Where the run's latest failure callback stands, if it has one; expires with the run. */
  Optional<FailureCall> findFailureCall(String tenant, String runId);

  /**
   * Deletes the tenant's runs that ended before {@code endedBefore} with their histories, except
   * those whose id {@code keep} accepts; returns how many went. Runs still going stay.
   */
  int expireRuns(String tenant, long endedBefore, Predicate<String> keep);

  /** Every stored waiter of workflow runs, of all tenants (read once, on start). */
  List<Waiter> waiters();

  /** Every event kept for a run that did not wait for it yet, of all tenants (read on start). */
  List<WaitEvent> waitEvents();

  /** Approximate bytes the store occupies (files plus in-memory write buffers). Cheap. */
  long approximateSizeBytes();

  /**
   * Makes deleted data give its space back (flush and compact). Expensive: call only when the
   * storage quota is reached, and not often.
   */
  void reclaimSpace();

  /** Flushes and closes; commits submitted before close complete first. */
  @Override
  void close();
}
