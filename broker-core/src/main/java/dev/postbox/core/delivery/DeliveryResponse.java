package dev.postbox.core.delivery;

import dev.postbox.core.message.Headers;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one attempt. A failure is a value, not an exception.
 *
 * @param status HTTP status, or 0 when no response arrived (connection error, timeout)
 * @param headers response headers (canonical names)
 * @param body response body, possibly truncated
 * @param error description of a transport failure, or null
 */
public record DeliveryResponse(
    int status, Map<String, List<String>> headers, byte[] body, String error) {
  public DeliveryResponse {
    headers = Headers.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  public static DeliveryResponse transportFailure(String error) {
    return new DeliveryResponse(0, Map.of(), new byte[0], error);
  }

  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  /** 489 with {@code Upstash-NonRetryable-Error: true}: straight to the DLQ. */
  public boolean isNonRetryable() {
    if (status != 489) {
      return false;
    }
    String v = Headers.first(headers, "Upstash-NonRetryable-Error");
    return v != null && v.trim().equalsIgnoreCase("true");
  }
}
