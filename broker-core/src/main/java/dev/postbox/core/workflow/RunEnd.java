package dev.postbox.core.workflow;

/**
 * How a run ended; stored once, beside the run's start record, so that ending a run never rewrites
 * (or even reads) the start record.
 *
 * @param state RUN_SUCCESS, RUN_FAILED or RUN_CANCELED
 * @param completedAt when it ended, epoch ms
 * @param response the body the SDK sent when the run succeeded (its return value); for a run that a
 *     delivery failed, the body of the answer that failed it; else empty
 * @param error why it failed, or null
 * @param dlqId the DLQ entry of the message that failed the run (written in the same batch), or
 *     null
 */
public record RunEnd(
    WorkflowState state, long completedAt, byte[] response, String error, String dlqId) {
  public RunEnd {
    if (state == WorkflowState.RUN_STARTED) {
      throw new IllegalArgumentException("a run end needs a final state");
    }
    response = response == null ? new byte[0] : response;
  }

  /** An end without a DLQ entry. */
  public RunEnd(WorkflowState state, long completedAt, byte[] response, String error) {
    this(state, completedAt, response, error, null);
  }
}
