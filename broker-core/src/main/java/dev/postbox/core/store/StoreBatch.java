package dev.postbox.core.store;

import dev.postbox.core.flow.FlowKey;
import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Hosts;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.publish.DedupRecord;
import dev.postbox.core.queue.Queue;
import dev.postbox.core.queue.WaitingEntry;
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
import java.util.ArrayList;
import java.util.List;

/**
 * Changes that are applied atomically: all of them or none. Not thread-safe; build, then commit.
 */
public final class StoreBatch {
  private final List<StoreOp> ops = new ArrayList<>();
  private boolean enqueues; // has a PutQueued
  private boolean queueChanges; // has any op on queue waiting lists or slots

  public StoreBatch putMessage(Message m) {
    ops.add(new StoreOp.PutMessage(m));
    return this;
  }

  /**
   * A newly accepted message: its record, its due-index entry and its CREATED log entry (logged at
   * its creation time). Every path that creates messages (publish, DLQ retry, callbacks) uses this,
   * so they cannot drift apart.
   */
  public StoreBatch putNewMessage(Message m) {
    putMessage(m).appendLog(LogEntry.of(m.createdAt(), MessageState.CREATED, m, m.dueAt()));
    if (m.queueName() == null) {
      return putDue(m.dueAt(), m);
    }
    if (m.kind() == MessageKind.MESSAGE) {
      // Enqueued: it waits for a slot of its queue before it enters the due index.
      ops.add(new StoreOp.PutQueued(m.tenant(), m.queueName(), m.id(), m.dueAt()));
      enqueues = true;
      queueChanges = true;
      return this;
    }
    // A callback of a queued message: due at once, holding its source's slot until it ends.
    ops.add(new StoreOp.PutSlotHolder(m.tenant(), m.queueName(), m.id(), m.sourceMessageId()));
    queueChanges = true;
    return putDue(m.dueAt(), m);
  }

  /**
   * A message reached a final state (delivered, dead-lettered or cancelled): removes its record
   * and, for a message of a queue that was active, gives back the slot it held.
   */
  public StoreBatch finishMessage(Message m, boolean heldSlot) {
    deleteMessage(m.ref());
    if (heldSlot && m.queueName() != null) {
      ops.add(new StoreOp.DeleteSlotHolder(m.tenant(), m.queueName(), m.id()));
      queueChanges = true;
    }
    return this;
  }

  public StoreBatch putFlowKey(FlowKey k) {
    ops.add(new StoreOp.PutFlowKey(k));
    return this;
  }

  /**
   * A pending message is cancelled (docs/api.md#messages): its record goes, with CANCEL_REQUESTED
   * and CANCELED logged at {@code now}. The caller removes its due entry or its place in a queue.
   */
  public StoreBatch cancelMessage(Message m, long now) {
    Message snapshot = m.withoutBody();
    return deleteMessage(m.ref())
        .appendLog(LogEntry.of(now, MessageState.CANCEL_REQUESTED, snapshot, 0))
        .appendLog(LogEntry.of(now, MessageState.CANCELED, snapshot, 0));
  }

  /**
   * {@code m}, which this batch removes, stays readable as ended in {@code state} (see {@code
   * KeepEnded}).
   */
  public StoreBatch putEnded(Message m, MessageState state, long endedAt) {
    ops.add(new StoreOp.PutEnded(m, state, endedAt));
    return this;
  }

  public StoreBatch putQueue(Queue q) {
    ops.add(new StoreOp.PutQueue(q));
    return this;
  }

  public StoreBatch deleteQueue(String tenant, String name) {
    ops.add(new StoreOp.DeleteQueue(tenant, name));
    return this;
  }

  public StoreBatch deleteQueued(WaitingEntry w) {
    ops.add(new StoreOp.DeleteQueued(w.tenant(), w.queue(), w.seq(), w.messageId()));
    queueChanges = true;
    return this;
  }

  public StoreBatch promoteQueued(WaitingEntry w) {
    ops.add(new StoreOp.PromoteQueued(w.tenant(), w.queue(), w.seq(), w.messageId(), w.dueAt()));
    queueChanges = true;
    return this;
  }

  public StoreBatch deleteMessage(MessageRef ref) {
    ops.add(new StoreOp.DeleteMessage(ref));
    return this;
  }

  /** A due-index entry without the host (the dispatcher reads the message to learn it). */
  public StoreBatch putDue(long dueAt, MessageRef ref) {
    ops.add(new StoreOp.PutDue(dueAt, ref, null));
    return this;
  }

  /** The message's due-index entry at {@code dueAt}, with its delivery host beside it. */
  public StoreBatch putDue(long dueAt, Message m) {
    ops.add(new StoreOp.PutDue(dueAt, m.ref(), Hosts.of(m.url())));
    return this;
  }

  public StoreBatch deleteDue(long dueAt, MessageRef ref) {
    ops.add(new StoreOp.DeleteDue(dueAt, ref));
    return this;
  }

  public StoreBatch putInFlight(MessageRef ref, long since) {
    ops.add(new StoreOp.PutInFlight(ref, since));
    return this;
  }

  public StoreBatch deleteInFlight(MessageRef ref) {
    ops.add(new StoreOp.DeleteInFlight(ref));
    return this;
  }

  public StoreBatch appendLog(LogEntry e) {
    ops.add(new StoreOp.AppendLog(e));
    return this;
  }

  public StoreBatch putDlq(DlqEntry e) {
    ops.add(new StoreOp.PutDlq(e));
    return this;
  }

  public StoreBatch deleteDlq(String tenant, String dlqId) {
    ops.add(new StoreOp.DeleteDlq(tenant, dlqId));
    return this;
  }

  public StoreBatch putSigningKeys(String tenant, SigningKeys keys) {
    ops.add(new StoreOp.PutSigningKeys(tenant, keys));
    return this;
  }

  public StoreBatch putSchedule(Schedule s) {
    ops.add(new StoreOp.PutSchedule(s));
    return this;
  }

  public StoreBatch deleteSchedule(ScheduleRef ref) {
    ops.add(new StoreOp.DeleteSchedule(ref));
    return this;
  }

  public StoreBatch putRunState(ScheduleRef ref, String messageId, RunState state) {
    ops.add(new StoreOp.PutRunState(ref, messageId, state));
    return this;
  }

  public StoreBatch deleteRunState(ScheduleRef ref, String messageId) {
    ops.add(new StoreOp.DeleteRunState(ref, messageId));
    return this;
  }

  public StoreBatch putGroup(UrlGroup g) {
    ops.add(new StoreOp.PutGroup(g));
    return this;
  }

  public StoreBatch deleteGroup(String tenant, String name) {
    ops.add(new StoreOp.DeleteGroup(tenant, name));
    return this;
  }

  public StoreBatch putDedup(DedupRecord r) {
    ops.add(new StoreOp.PutDedup(r));
    return this;
  }

  /** A workflow run's start record (its end, if any, is not part of it). */
  public StoreBatch putWorkflowRun(WorkflowRun run) {
    ops.add(new StoreOp.PutWorkflowRun(run.started()));
    return this;
  }

  public StoreBatch putWorkflowRunEnd(String tenant, String runId, RunEnd end) {
    ops.add(new StoreOp.PutWorkflowRunEnd(tenant, runId, end));
    return this;
  }

  public StoreBatch putFailureCall(FailureCall c) {
    ops.add(new StoreOp.PutFailureCall(c));
    return this;
  }

  public StoreBatch putHistoryEntry(HistoryEntry e) {
    ops.add(new StoreOp.PutHistoryEntry(e));
    return this;
  }

  public StoreBatch putWaiter(Waiter w) {
    ops.add(new StoreOp.PutWaiter(w));
    return this;
  }

  public StoreBatch deleteWaiter(Waiter w) {
    ops.add(new StoreOp.DeleteWaiter(w.tenant(), w.runId(), w.eventId(), w.step().stepId()));
    return this;
  }

  public StoreBatch putWaitEvent(WaitEvent e) {
    ops.add(new StoreOp.PutWaitEvent(e));
    return this;
  }

  public StoreBatch deleteWaitEvent(WaitEvent e) {
    ops.add(new StoreOp.DeleteWaitEvent(e.tenant(), e.runId(), e.eventId()));
    return this;
  }

  public List<StoreOp> ops() {
    return ops;
  }

  /** Whether the batch appends messages to queue waiting lists (the store orders those writes). */
  public boolean enqueues() {
    return enqueues;
  }

  /** Whether the batch changes queue waiting lists or slots (so queue state must follow). */
  public boolean changesQueues() {
    return queueChanges;
  }

  public boolean isEmpty() {
    return ops.isEmpty();
  }
}
