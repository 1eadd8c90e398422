package dev.postbox.core.workflow;

import dev.postbox.core.delivery.DeliveryHook;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.message.Headers;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What workflow steps need from delivery (docs/workflow.md): each step is sent with the run's
 * history up to and including itself as its body, a run's failure callback with the run's fields
 * and initial payload, each attempt of a {@code context.call} calls back as a message of the run,
 * and a step (or a call's answer) that fails for good, or a trigger answered by something that is
 * not a workflow endpoint (or by an SDK older than server triggers), ends its run as RUN_FAILED
 * (with the failed message's DLQ entry) in the same write that records the outcome. The state of a
 * run's failure callback is written with each of its outcomes ({@link FailureCalls}).
 */
public final class WorkflowDeliveries implements DeliveryHook {
  private static final Logger LOG = LoggerFactory.getLogger(WorkflowDeliveries.class);

  /**
   * What a run started with {@code POST /v2/trigger} fails with when its endpoint answered its
   * first call with success without naming an SDK release of 1 or more ({@code
   * Upstash-Workflow-Sdk}) and, when asked to trigger the run, without triggering it: an SDK older
   * than that request.
   */
  public static final String NOT_TRIGGERED_BY_SDK =
      "trigger rest api is only usable with sdk versions after v1.0.0 major version";

  /** The SDK's release, which it names in each of its answers ({@code v1.3.2}). */
  static final String SDK_RELEASE = "Upstash-Workflow-Sdk";

  /** What the run fails with when the trigger's destination is not a workflow endpoint. */
  public static final String NOT_A_WORKFLOW =
      "detected a non-workflow destination for trigger/invoke. make sure you are sending the"
          + " request to the correct endpoint";

  private final MessageStore store;
  private final RunTable runs;

  WorkflowDeliveries(MessageStore store, RunTable runs) {
    this.store = store;
    this.runs = runs;
  }

  /**
   * Replaces a step's body with its run's history (read here: this runs on the dispatch or send
   * threads, where bounded blocking reads are allowed), cut after the step's own entry so that a
   * step sees the steps appended before it and none after. A message missing from the history (a
   * copy retried from the DLQ) gets the whole history.
   */
  @Override
  public Message beforeSend(Message m) {
    String runId = WorkflowHeaders.runIdOf(m);
    if (runId != null && m.kind() == MessageKind.FAILURE_CALLBACK) {
      return failureCallback(m, runId);
    }
    if (runId == null) {
      return m;
    }
    // In memory for the outcome (which must not read the store), with the run that invoked it.
    RunTable.LiveRun lr = runs.get(m.tenant(), runId);
    Invoker invoker;
    synchronized (lr) {
      invoker = lr.run == null ? null : lr.run.invoker();
    }
    if (invoker != null) {
      runs.get(m.tenant(), invoker.runId());
    }
    if (!WorkflowHeaders.isStep(m)) {
      return m; // a call (toCallback) or its answer (fromCallback) is sent as it was stored
    }
    if (TriggerService.isServerTrigger(m)) {
      return m; // it carries the history the SDK reads already: the run has none yet
    }
    List<HistoryEntry> history = store.readHistory(m.tenant(), runId, Long.MAX_VALUE);
    int end = history.size();
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).messageId().equals(m.id())) {
        end = i + 1;
        break;
      }
    }
    return m.toBuilder().withBody(HistoryJson.encode(history.subList(0, end))).build();
  }

  /**
   * A run's failure callback with the run's fields in its body and the run's initial payload (its
   * history entry 0) as {@code sourceBody}; unchanged when the history is gone.
   */
  private Message failureCallback(Message m, String runId) {
    List<HistoryEntry> first = store.readHistory(m.tenant(), runId, 0);
    String createdAt = WorkflowHeaders.first(m.headers(), WorkflowHeaders.CREATED_AT);
    if (first.isEmpty() || createdAt == null) {
      return m;
    }
    long created;
    try {
      created = Long.parseLong(createdAt.trim());
    } catch (NumberFormatException e) {
      return m;
    }
    byte[] body = FailureCallbackBody.of(m.body(), runId, created, first.get(0).body());
    return m.toBuilder().withBody(body).build();
  }

  /**
   * The callback of a {@code context.call} attempt (its message has call type {@code toCallback})
   * becomes a message of the run ({@link StepMessages#fromCallback}) and a {@code fromCallback}
   * history entry, both in the batch that records the attempt. Only the call's last attempt calls
   * back (its success, or the failure no retry follows), as QStash does for a workflow's call: the
   * SDK would only skip the others, at the cost of one more run of the route each
   * (docs/workflow.md#what-works). An ended run gets none. A run no longer in memory (only when the
   * table overflows between the send and the outcome) gets the callback with the run id, without a
   * history entry.
   */
  @Override
  public Message callback(
      Message source, Message callback, boolean lastAttempt, StoreBatch batch, long now) {
    String runId = WorkflowHeaders.runIdOf(source);
    if (runId == null || !WorkflowHeaders.TO_CALLBACK.equals(WorkflowHeaders.callTypeOf(source))) {
      return callback;
    }
    if (!lastAttempt) {
      return null;
    }
    return runs.appendCallback(source, callback, runId, batch);
  }

  @Override
  public void recorded(StoreBatch batch, boolean written) {
    runs.recorded(batch, written);
  }

  @Override
  public void afterOutcome(
      Message m, DeliveryResponse r, Outcome outcome, StoreBatch batch, long now) {
    String runId = WorkflowHeaders.runIdOf(m);
    if (runId == null) {
      return;
    }
    if (m.kind() == MessageKind.FAILURE_CALLBACK) {
      FailureCalls.outcome(m, runId, r, outcome, batch, now);
      return;
    }
    if (outcome != Outcome.DELIVERED && outcome != Outcome.FAILED) {
      return;
    }
    String dlqId = outcome == Outcome.FAILED ? FailureCalls.published(m, runId, batch) : null;
    if (!carriesTheRun(m)) {
      return;
    }
    String error;
    if (outcome == Outcome.FAILED) {
      error =
          r.error() != null
              ? r.error()
              : "step " + m.id() + " failed: the workflow endpoint answered " + r.status();
    } else if (isUnansweredTrigger(m, r, runs.cached(m.tenant(), runId))) {
      error = NOT_A_WORKFLOW;
    } else if (!namesSdkV1(r) && isFirstCallOfServerRun(m, runId)) {
      error = NOT_TRIGGERED_BY_SDK;
    } else {
      return;
    }
    if (TriggerService.isServerTrigger(m)) { // its logs show the payload, as any run's do
      runs.putAskedPayloadIfUntriggered(m, runId, batch);
    }
    RunEnd end = new RunEnd(WorkflowState.RUN_FAILED, now, r.body(), error, dlqId);
    WorkflowRun ended = runs.endIfCached(m.tenant(), runId, end, batch);
    if (ended == null) {
      return;
    }
    LOG.info("workflow run {} of tenant {} failed: {}", runId, m.tenant(), error);
    if (ended.invoker() != null) {
      toInvoker(ended, end, batch, now);
    }
  }

  /** A step, or a call's answer: the run cannot go on without it. */
  private static boolean carriesTheRun(Message m) {
    String type = WorkflowHeaders.callTypeOf(m);
    return type.equals(WorkflowHeaders.STEP) || type.equals(WorkflowHeaders.FROM_CALLBACK);
  }

  /**
   * Appends the Invoke step of a run that failed to the run that invoked it, in the batch that ends
   * it. The invoking run was read into memory when the failed step was sent ({@link #beforeSend});
   * one forgotten since (the table is full) cannot be read here, on an event loop, and is logged.
   */
  private void toInvoker(WorkflowRun ended, RunEnd end, StoreBatch batch, long now) {
    RunTable.LiveRun invoker = runs.peek(ended.tenant(), ended.invoker().runId());
    if (invoker == null) {
      LOG.warn(
          "run {} failed, but the run {} that invoked it is not in memory: it is not told",
          ended.id(),
          ended.invoker().runId());
      return;
    }
    Invocations.appendToInvoker(invoker, ended.invoker(), end, batch, now);
  }

  /**
   * Whether {@code m} is the first call of a run started with {@code POST /v2/trigger}, still
   * going: its first step, or the request to trigger it while the SDK has not (an SDK of 1 or more
   * publishes the run's trigger before it answers that request). Never blocks on the store.
   */
  private boolean isFirstCallOfServerRun(Message m, String runId) {
    if (TriggerService.isServerTrigger(m)) {
      return runs.awaitsSdkTrigger(m, runId);
    }
    WorkflowRun run = runs.cached(m.tenant(), runId);
    return run != null
        && run.serverTriggered()
        && !run.ended()
        && m.id().equals(run.triggerMessageId());
  }

  /** Whether an answer names an SDK release of major version 1 or more ({@code v1.3.2}). */
  static boolean namesSdkV1(DeliveryResponse r) {
    String v = Headers.first(r.headers(), SDK_RELEASE);
    if (v == null) {
      return false;
    }
    v = v.trim();
    if (v.startsWith("v") || v.startsWith("V")) {
      v = v.substring(1);
    }
    int dot = v.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? v : v.substring(0, dot)) >= 1;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** A delivered trigger (WF_DetectTrigger) whose answer lacks the SDK's version header. */
  private static boolean isUnansweredTrigger(Message m, DeliveryResponse r, WorkflowRun run) {
    return run != null
        && run.detectTrigger()
        && m.id().equals(run.triggerMessageId())
        && Headers.first(r.headers(), WorkflowHeaders.SDK_VERSION) == null;
  }
}
