package dev.postbox.core.publish;

import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;

/** Builds a new message from a destination, a body and parsed publish headers. */
public final class MessageFactory {
  private MessageFactory() {}

  /**
   * @param tenant owning tenant id
   * @param url destination URL (already validated)
   * @param body raw request body
   * @param o parsed publish headers
   * @param callerIp the publisher's address
   * @param now acceptance time, epoch ms
   */
  public static Message create(
      String tenant, String url, byte[] body, PublishOptions o, String callerIp, long now) {
    long due = Math.max(now, o.notBefore());
    return Message.builder()
        .withTenant(tenant)
        .withId(Ids.messageId())
        .withKind(MessageKind.MESSAGE)
        .withUrl(url)
        .withMethod(o.method())
        .withHeaders(o.forwardedHeaders())
        .withBody(body)
        .withMaxRetries(o.retries())
        .withRetryDelayExpression(o.retryDelayExpression())
        .withTimeoutMillis(o.timeoutMillis())
        .withCreatedAt(now)
        .withNotBefore(due)
        .withDueAt(due)
        .withCallerIp(callerIp)
        .withLabels(o.labels())
        .withCallback(o.callback())
        .withFailureCallback(o.failureCallback())
        .withFlowControl(o.flowControl())
        .withRedaction(o.redaction())
        .withDeduplicationId(o.deduplicationId())
        .build();
  }
}
