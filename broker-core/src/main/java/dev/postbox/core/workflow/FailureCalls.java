package dev.postbox.core.workflow;

import dev.postbox.core.delivery.DeliveryHook;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.store.StoreOp;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The state of workflow failure callbacks (docs/workflow.md), as the DLQ's {@code
 * failureCallbackInfo} and the logs' {@code failureFunction} show it. A {@link FailureCall} is
 * written in the batch that publishes the failure callback (with the failed message's DLQ entry),
 * then in the batch of each outcome of its delivery: delivered is {@code CALLBACK_SUCCESS}, failed
 * for good {@code CALLBACK_FAIL}, cancelled {@code CALLBACK_CANCELED}, else {@code
 * CALLBACK_INPROGRESS}. Writing never reads the store (outcomes are recorded on event loops);
 * looking one up is one point read. Thread-safe.
 */
public final class FailureCalls {
  private final MessageStore store;

  FailureCalls(MessageStore store) {
    this.store = store;
  }

  /** The state of the failure callback of a workflow DLQ entry, if it made one. */
  public Optional<FailureCall> of(DlqEntry e) {
    String runId = WorkflowDlq.runId(e.message());
    if (runId == null) {
      return Optional.empty();
    }
    return store.findFailureCall(e.tenant(), runId).filter(c -> c.dlqId().equals(e.dlqId()));
  }

  /** The state of the failure callback of a run that failed, if it made one. */
  public Optional<FailureCall> of(WorkflowRun run) {
    String dlqId = run.end() == null ? null : run.end().dlqId();
    if (dlqId == null) {
      return Optional.empty();
    }
    return store.findFailureCall(run.tenant(), run.id()).filter(c -> c.dlqId().equals(dlqId));
  }

  /**
   * A workflow message failed for good in {@code batch}: the failure callback the batch publishes
   * for it, if any, starts in progress. Returns the message's DLQ entry id in the batch, or null.
   */
  static String published(Message failed, String runId, StoreBatch batch) {
    String dlqId = null;
    Message callback = null;
    for (StoreOp op : batch.ops()) {
      if (op instanceof StoreOp.PutDlq d && d.entry().message().id().equals(failed.id())) {
        dlqId = d.entry().dlqId();
      } else if (op instanceof StoreOp.PutMessage p
          && p.message().kind() == MessageKind.FAILURE_CALLBACK
          && failed.id().equals(p.message().sourceMessageId())) {
        callback = p.message();
      }
    }
    if (dlqId != null && callback != null) {
      batch.putFailureCall(FailureCall.published(runId, dlqId, callback));
    }
    return dlqId;
  }

  /** Records an outcome of a run's failure callback in the batch that records it. */
  static void outcome(
      Message callback,
      String runId,
      DeliveryResponse r,
      DeliveryHook.Outcome outcome,
      StoreBatch batch,
      long now) {
    String dlqId = dlqIdOf(callback);
    if (dlqId == null) {
      return;
    }
    FailureCall.State state =
        switch (outcome) {
          case DELIVERED -> FailureCall.State.CALLBACK_SUCCESS;
          case FAILED -> FailureCall.State.CALLBACK_FAIL;
          case CANCELED -> FailureCall.State.CALLBACK_CANCELED;
          case RETRY -> FailureCall.State.CALLBACK_INPROGRESS;
        };
    batch.putFailureCall(
        new FailureCall(
            callback.tenant(),
            runId,
            dlqId,
            callback.id(),
            callback.url(),
            state,
            r.status(),
            r.headers(),
            r.body(),
            now));
  }

  /** The {@code dlqId} a failure callback's body names, or null. */
  static String dlqIdOf(Message callback) {
    try {
      Object body = JsonValues.parse(new String(callback.body(), StandardCharsets.UTF_8));
      return body instanceof Map<?, ?> o && o.get("dlqId") instanceof String s ? s : null;
    } catch (InvalidRequestException notJson) {
      return null;
    }
  }
}
