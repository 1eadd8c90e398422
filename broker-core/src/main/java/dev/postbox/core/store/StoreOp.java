package dev.postbox.core.store;

import dev.postbox.core.flow.FlowKey;
import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.publish.DedupRecord;
import dev.postbox.core.queue.Queue;
import dev.postbox.core.schedule.RunState;
import dev.postbox.core.schedule.Schedule;
import dev.postbox.core.schedule.ScheduleRef;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.workflow.FailureCall;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.RunEnd;
import dev.postbox.core.workflow.WaitEvent;
import dev.postbox.core.workflow.Waiter;
import dev.postbox.core.workflow.WorkflowRun;

/** One change inside a {@link StoreBatch}. Adapters translate each kind into their own writes. */
public sealed interface StoreOp {
  /** Insert or replace a message record. */
  record PutMessage(Message message) implements StoreOp {}

  /** Remove a message record (the message reached a final state or was cancelled). */
  record DeleteMessage(MessageRef ref) implements StoreOp {}

  /**
   * Keep a message that ended (its record goes in the same batch) readable as {@code state} from
   * {@code endedAt} until {@link MessageStore#expireEnded} removes it.
   */
  record PutEnded(Message message, MessageState state, long endedAt) implements StoreOp {}

  /**
   * Add the message to the due index at {@code dueAt}, with its delivery host when known (null: not
   * kept; see {@link DueRef}).
   */
  record PutDue(long dueAt, MessageRef ref, String host) implements StoreOp {}

  /** Remove the message's due-index entry at {@code dueAt}. */
  record DeleteDue(long dueAt, MessageRef ref) implements StoreOp {}

  /** Mark the message as being delivered (re-queued on restart if never completed). */
  record PutInFlight(MessageRef ref, long since) implements StoreOp {}

  /** Clear the in-flight mark. */
  record DeleteInFlight(MessageRef ref) implements StoreOp {}

  /** Append a log entry; the store assigns its position. */
  record AppendLog(LogEntry entry) implements StoreOp {}

  /** Insert a dead-letter entry. */
  record PutDlq(DlqEntry entry) implements StoreOp {}

  /** Remove a dead-letter entry. */
  record DeleteDlq(String tenant, String dlqId) implements StoreOp {}

  /** Store a tenant's signing keys (after a rotation). */
  record PutSigningKeys(String tenant, SigningKeys keys) implements StoreOp {}

  /** Insert or replace a schedule. */
  record PutSchedule(Schedule schedule) implements StoreOp {}

  /** Remove a schedule. */
  record DeleteSchedule(ScheduleRef ref) implements StoreOp {}

  /** Record how a message produced by a schedule's tick ended. */
  record PutRunState(ScheduleRef ref, String messageId, RunState state) implements StoreOp {}

  /** Forget the recorded state of a produced message. */
  record DeleteRunState(ScheduleRef ref, String messageId) implements StoreOp {}

  /** Insert or replace a URL group. */
  record PutGroup(UrlGroup group) implements StoreOp {}

  /** Remove a URL group. */
  record DeleteGroup(String tenant, String name) implements StoreOp {}

  /** Remember a deduplication id until its window ends. */
  record PutDedup(DedupRecord record) implements StoreOp {}

  /** Insert or replace a queue's settings. */
  record PutQueue(Queue queue) implements StoreOp {}

  /** Remove a queue's settings. */
  record DeleteQueue(String tenant, String name) implements StoreOp {}

  /**
   * Append a message to the end of its queue's waiting list; the store assigns its place, in commit
   * order, and records where it is so that {@link MessageStore#findWaiting} finds it.
   */
  record PutQueued(String tenant, String queue, String messageId, long dueAt) implements StoreOp {}

  /** Remove a waiting message from its queue (it was cancelled). */
  record DeleteQueued(String tenant, String queue, long seq, String messageId) implements StoreOp {}

  /**
   * Move a waiting message into a free slot: it leaves the waiting list, holds the slot (as its own
   * token) and enters the due index at {@code dueAt}.
   */
  record PromoteQueued(String tenant, String queue, long seq, String messageId, long dueAt)
      implements StoreOp {}

  /** A message (a callback of a queued message) holds the slot named {@code token}. */
  record PutSlotHolder(String tenant, String queue, String holderId, String token)
      implements StoreOp {}

  /** A message no longer holds a slot of its queue (it is final). */
  record DeleteSlotHolder(String tenant, String queue, String holderId) implements StoreOp {}

  /** Insert or replace a flow-control key's configuration. */
  record PutFlowKey(FlowKey key) implements StoreOp {}

  /** Store a workflow run's start record (written once, with its trigger). */
  record PutWorkflowRun(WorkflowRun run) implements StoreOp {}

  /** Store where a run's failure callback stands, beside its start record (replacing it). */
  record PutFailureCall(FailureCall call) implements StoreOp {}

  /** Store how a workflow run ended, beside its start record. */
  record PutWorkflowRunEnd(String tenant, String runId, RunEnd end) implements StoreOp {}

  /** Store one entry of a run's history under its place {@code entry.seq()}. */
  record PutHistoryEntry(HistoryEntry entry) implements StoreOp {}

  /** A change to the waits of workflow runs (docs/workflow.md#waiting-for-events). */
  sealed interface WaitOp extends StoreOp {}

  /** Store a waiter, replacing the one of the same run, event and step. */
  record PutWaiter(Waiter waiter) implements WaitOp {}

  /** Remove the waiter of a run's step for an event. */
  record DeleteWaiter(String tenant, String runId, String eventId, int stepId) implements WaitOp {}

  /** Keep an event notified to a run before it waits for it, replacing any earlier one. */
  record PutWaitEvent(WaitEvent event) implements WaitOp {}

  /** Remove a run's kept event. */
  record DeleteWaitEvent(String tenant, String runId, String eventId) implements WaitOp {}
}
