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
    RunEnd end) {
  public WorkflowRun {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(config, "config");
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
        tenant, id, url, createdAt, triggerMessageId, invokeCount, detectTrigger, config, e);
  }
}
