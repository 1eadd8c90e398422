package dev.postbox.core.workflow;

import java.util.Objects;

/**
 * A workflow run: written once with its trigger; {@link #end} comes from the separately stored
 * {@link RunEnd}, null while the run goes on.
 *
 * @param tenant owning tenant id
 * @param id the run id ({@code Upstash-Workflow-RunId})
 * @param url the workflow URL ({@code Upstash-Workflow-Url}, else the trigger's destination)
 * @param createdAt when the trigger was accepted, epoch ms
 * @param triggerMessageId the trigger's message id (what a duplicate trigger is answered)
 * @param invokeCount {@code Upstash-Workflow-Invoke-Count} of the trigger (0 when not invoked)
 * @param detectTrigger the trigger asked for {@code WF_DetectTrigger}
 * @param config run-level configuration from the trigger
 * @param end how it ended, or null
 * @param invoker the run that started this one with {@code context.invoke} and waits for its end,
 *     or null
 * @param serverTriggered started by {@code POST /v2/trigger}: its trigger message asks the SDK to
 *     publish the run's first history entry itself
 */
public record WorkflowRun(
    String tenant,
    String id,
    String url,
    long createdAt,
    String triggerMessageId,
    int invokeCount,
    boolean detectTrigger,
    RunConfig config,
    RunEnd end,
    Invoker invoker,
    boolean serverTriggered) {
  public WorkflowRun {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(config, "config");
  }

  /** A run started by an SDK trigger (not invoked, not by {@code POST /v2/trigger}). */
  public WorkflowRun(
      String tenant,
      String id,
      String url,
      long createdAt,
      String triggerMessageId,
      int invokeCount,
      boolean detectTrigger,
      RunConfig config,
      RunEnd end) {
    this(
        tenant,
        id,
        url,
        createdAt,
        triggerMessageId,
        invokeCount,
        detectTrigger,
        config,
        end,
        null,
        false);
  }

  public WorkflowState state() {
    return end == null ? WorkflowState.RUN_STARTED : end.state();
  }

  public boolean ended() {
    return end != null;
  }

  /** This run without its end: the start record as stored. */
  public WorkflowRun started() {
    return end == null ? this : withEnd(null);
  }

  public WorkflowRun withEnd(RunEnd e) {
    return new WorkflowRun(
        tenant,
        id,
        url,
        createdAt,
        triggerMessageId,
        invokeCount,
        detectTrigger,
        config,
        e,
        invoker,
        serverTriggered);
  }

  /** This run as started by {@code invoker}. */
  public WorkflowRun withInvoker(Invoker i) {
    return new WorkflowRun(
        tenant,
        id,
        url,
        createdAt,
        triggerMessageId,
        invokeCount,
        detectTrigger,
        config,
        end,
        i,
        serverTriggered);
  }

  /** This run as started by {@code POST /v2/trigger}. */
  WorkflowRun asServerTriggered() {
    return new WorkflowRun(
        tenant,
        id,
        url,
        createdAt,
        triggerMessageId,
        invokeCount,
        detectTrigger,
        config,
        end,
        invoker,
        true);
  }
}
