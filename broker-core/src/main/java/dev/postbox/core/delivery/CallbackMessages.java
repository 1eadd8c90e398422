package dev.postbox.core.delivery;

import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.Headers;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the messages that carry callbacks and failure callbacks (docs/api.md#callbacks). They are
 * ordinary durable messages with their own id, retries and DLQ; they never have callbacks of their
 * own. Those of a queued message carry its queue name and hold its slot until they end.
 */
public final class CallbackMessages {
  private CallbackMessages() {}

  /** The callback for one attempt of {@code source}, or null when it has none. */
  public static Message afterAttempt(Message source, DeliveryResponse response, long now) {
    if (source.callback() == null) {
      return null;
    }
    return build(source, source.callback(), MessageKind.CALLBACK, response, null, now);
  }

  /** The failure callback of {@code source} (entered the DLQ as {@code dlqId}), or null. */
  public static Message afterFailure(
      Message source, DeliveryResponse response, String dlqId, long now) {
    if (source.failureCallback() == null) {
      return null;
    }
    return build(
        source, source.failureCallback(), MessageKind.FAILURE_CALLBACK, response, dlqId, now);
  }

  private static Message build(
      Message source,
      CallbackSpec spec,
      MessageKind kind,
      DeliveryResponse response,
      String dlqId,
      long now) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Content-Type", List.of("application/json"));
    spec.headers().forEach((k, v) -> headers.put(Headers.canonical(k), v));
    long due = now + Math.max(0, spec.delayMillis());
    return Message.builder()
        .withTenant(source.tenant())
        .withId(Ids.messageId())
        .withKind(kind)
        .withUrl(spec.url())
        .withMethod(spec.method() == null ? "POST" : spec.method())
        .withHeaders(headers)
        .withBody(CallbackPayload.build(source, response, source.retried(), dlqId))
        .withMaxRetries(spec.retries() != null ? spec.retries() : source.maxRetries())
        .withRetryDelayExpression(spec.retryDelayExpression())
        .withTimeoutMillis(spec.timeoutMillis())
        .withCreatedAt(now)
        .withNotBefore(due)
        .withDueAt(due)
        .withCallerIp(source.callerIp())
        .withSourceMessageId(source.id())
        // A queued message's callbacks hold its slot: the queue waits for them too
        // (docs/api.md#queues).
        .withQueueName(source.kind() == MessageKind.MESSAGE ? source.queueName() : null)
        .build();
  }
}
