package dev.postbox.core.workflow;

import dev.postbox.core.message.Headers;
import dev.postbox.core.message.Message;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the failure callback of a run's failed message stands (docs/workflow.md): published with
 * the message's DLQ entry, then written again with each outcome of its delivery, in that outcome's
 * batch. One per run, the latest failure callback's; it belongs to the DLQ entry {@link #dlqId}.
 *
 * @param tenant owning tenant id
 * @param runId the run
 * @param dlqId the DLQ entry of the failed message the callback reports
 * @param messageId the failure callback's message id
 * @param url the failure callback's URL
 * @param state where its delivery stands
 * @param responseStatus its last attempt's status (0: no attempt or no HTTP answer yet)
 * @param responseHeaders its last attempt's response headers
 * @param responseBody its last attempt's response body
 * @param updatedAt when this was written, epoch ms
 */
public record FailureCall(
    String tenant,
    String runId,
    String dlqId,
    String messageId,
    String url,
    State state,
    int responseStatus,
    Map<String, List<String>> responseHeaders,
    byte[] responseBody,
    long updatedAt) {

  /** The states of the SDK's {@code failureCallbackInfo} and {@code failureFunction}. */
  public enum State {
    CALLBACK_INPROGRESS,
    CALLBACK_SUCCESS,
    CALLBACK_FAIL,
    CALLBACK_CANCELED
  }

  public FailureCall {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(dlqId, "dlqId");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(state, "state");
    responseHeaders = Headers.copyOf(responseHeaders);
    responseBody = responseBody == null ? new byte[0] : responseBody;
  }

  /** A failure callback just published: no attempt yet. */
  static FailureCall published(String runId, String dlqId, Message c) {
    return new FailureCall(
        c.tenant(),
        runId,
        dlqId,
        c.id(),
        c.url(),
        State.CALLBACK_INPROGRESS,
        0,
        null,
        null,
        c.createdAt());
  }
}
