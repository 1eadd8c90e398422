package dev.postbox.core.delivery;

import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.KeepEnded;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.metrics.AttemptOutcome;
import dev.postbox.core.schedule.RunState;
import dev.postbox.core.schedule.ScheduleRef;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.store.StoreOp;
import java.util.List;
import java.util.Map;

/**
 * Turns the outcome of one attempt into the atomic set of changes (docs/api.md#delivery, #retries,
 * #callbacks): delivered, retry scheduled, or dead-lettered, with logs, any (failure) callback
 * messages and the ended record of a message that ends ({@link KeepEnded}) in the same batch.
 */
public final class RecordOutcome {
  private final RetryPolicy retryPolicy;
  private final Ids ids;
  private final KeepEnded keepEnded;
  private final DeliveryHook hook;

  /**
   * @param keepEnded how long a message that ends stays readable (its ended record is written in
   *     the batch that removes it; {@link KeepEnded#OFF}: not kept)
   * @param hook adds its own changes to each outcome's batch ({@link DeliveryHook#NONE}: none)
   */
  public RecordOutcome(RetryPolicy retryPolicy, Ids ids, KeepEnded keepEnded, DeliveryHook hook) {
    this.retryPolicy = retryPolicy;
    this.ids = ids;
    this.keepEnded = keepEnded;
    this.hook = hook;
  }

  /**
   * The changes and the earliest due time they add.
   *
   * @param batch the changes to commit
   * @param earliestNewDue earliest due-index entry the batch adds, or {@code Long.MAX_VALUE}
   * @param outcome how the attempt ended for the message (for metrics)
   */
  public record Changes(StoreBatch batch, long earliestNewDue, AttemptOutcome outcome) {}

  public Changes record(Message m, DeliveryResponse r, long now, boolean cancelRequested) {
    StoreBatch b = new StoreBatch();
    try {
      return record(m, r, now, cancelRequested, b);
    } catch (RuntimeException e) {
      hook.recorded(b, false); // never committed
      throw e;
    }
  }

  /**
   * After the batch of {@link #record} is on disk ({@code written}) or failed: tells the hook (see
   * {@link DeliveryHook#recorded}).
   */
  public void committed(StoreBatch batch, boolean written) {
    hook.recorded(batch, written);
  }

  private Changes record(
      Message m, DeliveryResponse r, long now, boolean cancelRequested, StoreBatch b) {
    b.deleteInFlight(m.ref());
    Message snapshot = m.withoutBody();
    long earliest = Long.MAX_VALUE;
    if (r.isSuccess()) {
      b.finishMessage(m, true)
          .appendLog(
              new LogEntry(
                  now, MessageState.DELIVERED, snapshot, null, 0, r.status(), Map.of(), null));
      keepEnded.keep(b, m, MessageState.DELIVERED, now);
      earliest = addNew(b, attemptCallback(m, r, true, b, now), now, earliest);
      recordRun(b, m, RunState.SUCCESS);
      int before = b.ops().size();
      hook.afterOutcome(m, r, DeliveryHook.Outcome.DELIVERED, b, now);
      DeliveryLog.delivered(m, r);
      earliest = dueAdded(b, before, earliest);
      return new Changes(b, earliest, AttemptOutcome.DELIVERED);
    }
    String error = errorText(r);
    b.appendLog(
        new LogEntry(
            now, MessageState.ERROR, snapshot, error, 0, r.status(), r.headers(), r.body()));
    int attemptsMade = m.retried() + 1;
    boolean retrying = !cancelRequested && retryPolicy.shouldRetry(m, attemptsMade, r);
    earliest = addNew(b, attemptCallback(m, r, !retrying, b, now), now, earliest);
    AttemptOutcome outcome;
    if (cancelRequested) {
      outcome = AttemptOutcome.CANCELED;
      b.finishMessage(m, true).appendLog(LogEntry.of(now, MessageState.CANCELED, snapshot, 0));
      hook.afterOutcome(m, r, DeliveryHook.Outcome.CANCELED, b, now);
      DeliveryLog.failed(m, r, -1, "no retry: the message was cancelled");
    } else if (retrying) {
      outcome = AttemptOutcome.RETRY;
      long due = now + retryPolicy.nextDelayMillis(m, m.retried(), r, now);
      Message next = m.toBuilder().withRetried(attemptsMade).withDueAt(due).build();
      b.putMessage(next)
          .putDue(due, next)
          .appendLog(LogEntry.of(now, MessageState.RETRY, next.withoutBody(), due));
      earliest = Math.min(earliest, due);
      hook.afterOutcome(m, r, DeliveryHook.Outcome.RETRY, b, now);
      DeliveryLog.failed(m, r, due, null);
    } else {
      outcome = AttemptOutcome.DLQ;
      String dlqId = ids.dlqId(now);
      b.finishMessage(m, true)
          .putDlq(new DlqEntry(dlqId, m, now, r.status(), r.headers(), r.body(), error))
          .appendLog(
              new LogEntry(
                  now, MessageState.FAILED, snapshot, error, 0, r.status(), r.headers(), r.body()));
      keepEnded.keep(b, m, MessageState.FAILED, now);
      earliest = addNew(b, CallbackMessages.afterFailure(m, r, dlqId, now), now, earliest);
      recordRun(b, m, RunState.FAIL);
      int before = b.ops().size();
      hook.afterOutcome(m, r, DeliveryHook.Outcome.FAILED, b, now);
      DeliveryLog.failed(
          m, r, -1, r.isNonRetryable() ? "no retry: non-retryable" : "no retry left");
      DeliveryLog.movedToDlq(m, dlqId);
      earliest = dueAdded(b, before, earliest);
    }
    return new Changes(b, earliest, outcome);
  }

  /**
   * A pending message that is not in flight is cancelled at {@code now}: its record goes, with
   * CANCEL_REQUESTED and CANCELED logged. Unlike a delivered or failed message, it is not kept
   * readable: whoever cancelled it asked for it to go. The caller removes its due entry or its
   * place in a queue.
   */
  public StoreBatch cancelled(StoreBatch b, Message m, long now) {
    return b.cancelMessage(m, now);
  }

  /** A message a schedule produced reports its end to the schedule's {@code lastScheduleStates}. */
  private static void recordRun(StoreBatch b, Message m, RunState state) {
    if (m.scheduleId() != null && m.kind() == MessageKind.MESSAGE) {
      b.putRunState(new ScheduleRef(m.tenant(), m.scheduleId()), m.id(), state);
    }
  }

  /** The callback of this attempt, as the hook shapes it (null: none). */
  private Message attemptCallback(
      Message m, DeliveryResponse r, boolean lastAttempt, StoreBatch b, long now) {
    Message callback = CallbackMessages.afterAttempt(m, r, now);
    return callback == null ? null : hook.callback(m, callback, lastAttempt, b, now);
  }

  /** The earliest of {@code earliest} and the due entries the hook added after op {@code from}. */
  private static long dueAdded(StoreBatch b, int from, long earliest) {
    List<StoreOp> ops = b.ops();
    for (int i = from; i < ops.size(); i++) {
      if (ops.get(i) instanceof StoreOp.PutDue d) {
        earliest = Math.min(earliest, d.dueAt());
      }
    }
    return earliest;
  }

  /** Adds a broker-made message (a callback) as a new pending message. */
  static long addNew(StoreBatch b, Message created, long now, long earliest) {
    if (created == null) {
      return earliest;
    }
    b.putNewMessage(created);
    return Math.min(earliest, created.dueAt());
  }

  static String errorText(DeliveryResponse r) {
    if (r.error() != null) {
      return r.error();
    }
    return "destination answered with status " + r.status();
  }
}
