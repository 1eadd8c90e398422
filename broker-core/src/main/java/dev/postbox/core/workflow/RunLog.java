package dev.postbox.core.workflow;

import dev.postbox.core.message.DlqEntry;
import java.util.List;

/**
 * One run as the workflow logs show it (docs/workflow.md): the run, its history entries in order
 * (entry 0 its initial payload) and the messages it waits on.
 *
 * @param run the run, its end merged in
 * @param steps its history entries, each with when it was published
 * @param next the run's pending (or, for a run that failed or was cancelled, its last) messages
 * @param failureCall where the failure callback of a failed run stands, or null when it made none
 * @param failed the DLQ entry of the message that failed the run, while it exists and the run made
 *     a failure callback, else null
 * @param stopped the DLQ entry of the message that failed the run while it exists (whether or not
 *     the run made a failure callback), else null
 */
public record RunLog(
    WorkflowRun run,
    List<Step> steps,
    List<Next> next,
    FailureCall failureCall,
    DlqEntry failed,
    DlqEntry stopped) {
  public RunLog {
    steps = List.copyOf(steps);
    next = List.copyOf(next);
  }

  /** A history entry and its creation time, epoch ms. */
  public record Step(HistoryEntry entry, long createdAt) {}

  /** Where a message the run waits on stands. */
  public enum NextState {
    STEP_PROGRESS,
    STEP_RETRY,
    STEP_FAILED,
    STEP_CANCELED
  }

  /**
   * A message the run waits on, or the one it stopped at.
   *
   * @param messageId the message
   * @param state where it stands
   * @param retries the retries it may make
   * @param retryDelay its retry delay expression, or null
   * @param error why it failed, or null
   * @param errorTime when it failed, epoch ms (0 without an error)
   */
  public record Next(
      String messageId,
      NextState state,
      int retries,
      String retryDelay,
      String error,
      long errorTime) {}
}
