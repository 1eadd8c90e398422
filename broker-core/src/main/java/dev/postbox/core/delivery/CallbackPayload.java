package dev.postbox.core.delivery;

import dev.postbox.core.json.JsonWriter;
import dev.postbox.core.message.Message;
import java.util.Base64;

/**
 * The JSON body of a callback or failure callback (the latter with {@code dlqId}); see
 * docs/api.md#callbacks.
 */
public final class CallbackPayload {
  private CallbackPayload() {}

  /**
   * @param source the message whose attempt is reported
   * @param response the destination's response to that attempt (status 0 when there was none)
   * @param retried retries performed before that attempt
   * @param dlqId the DLQ entry for a failure callback, else null
   */
  public static byte[] build(Message source, DeliveryResponse response, int retried, String dlqId) {
    Base64.Encoder b64 = Base64.getEncoder();
    JsonWriter w =
        new JsonWriter()
            .beginObject()
            .field("status", response.status())
            .field("header", response.headers())
            .field("body", b64.encodeToString(response.body()))
            .field("retried", retried)
            .field("maxRetries", source.maxRetries())
            .field("sourceMessageId", source.id())
            .optionalField("topicName", source.topicName())
            .optionalField("endpointName", source.endpointName())
            .field("url", source.url())
            .field("method", source.method())
            .field("sourceHeader", source.headers())
            .field("sourceBody", b64.encodeToString(source.body()))
            .field("notBefore", source.notBefore())
            .field("createdAt", source.createdAt())
            .optionalField("scheduleId", source.scheduleId())
            .optionalField("callerIP", source.callerIp())
            .optionalField("dlqId", dlqId);
    if (response.error() != null) {
      w.field("error", response.error());
    }
    return w.endObject().toBytes();
  }
}
