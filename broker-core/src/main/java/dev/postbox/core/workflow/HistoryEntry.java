package dev.postbox.core.workflow;

/**
 * One message of a run's history, in append order: entry 0 is the trigger (its body is the run's
 * initial payload), the next ones are the steps the SDK published. Stored once, never rewritten.
 *
 * @param tenant owning tenant id
 * @param runId the run
 * @param seq its place in the run (0 for the trigger), assigned in commit order
 * @param messageId the message it came with
 * @param body the message's body as published
 * @param callType {@code step}, {@code toCallback}, {@code fromCallback} or {@code failureCall}
 */
public record HistoryEntry(
    String tenant, String runId, long seq, String messageId, byte[] body, String callType) {
  public HistoryEntry {
    body = body == null ? new byte[0] : body;
    callType = callType == null ? WorkflowHeaders.STEP : callType;
  }
}
