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
 * @param refused true when the deliverer refused to connect (the destination policy denies the
 *     address): never retried
 */
public record DeliveryResponse(
    int status, Map<String, List<String>> headers, byte[] body, String error, boolean refused) {
  public DeliveryResponse {
    headers = Headers.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  public DeliveryResponse(
      int status, Map<String, List<String>> headers, byte[] body, String error) {
    this(status, headers, body, error, false);
  }

  public static DeliveryResponse transportFailure(String error) {
    return new DeliveryResponse(0, Map.of(), new byte[0], error);
  }

  /**
   * No request was sent because the destination policy denies where the URL leads
   * (docs/operations.md#destination-policy): a failure that goes to the DLQ without retries.
   */
  public static DeliveryResponse refused(String error) {
    return new DeliveryResponse(0, Map.of(), new byte[0], error, true);
  }

  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  /**
   * 489 with {@code Upstash-NonRetryable-Error: true}, or {@link #refused}: straight to the DLQ.
   */
  public boolean isNonRetryable() {
    if (refused) {
      return true;
    }
    if (status != 489) {
      return false;
    }
    String v = Headers.first(headers, "Upstash-NonRetryable-Error");
    return v != null && v.trim().equalsIgnoreCase("true");
  }
}
