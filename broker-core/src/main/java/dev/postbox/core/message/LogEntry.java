package dev.postbox.core.message;

import java.util.List;
import java.util.Map;

/**
 * One state change of a message, as served by the logs API. Stored in the same write batch as the
 * change it describes.
 *
 * @param time when the change happened, epoch ms
 * @param state the new state
 * @param message snapshot of the message at that time; its body is kept only on CREATED entries
 *     (other states carry an empty body to keep log writes small)
 * @param error error text for ERROR / FAILED, or null
 * @param nextDeliveryTime for CREATED / RETRY: when the next attempt is due, or 0
 * @param responseStatus destination response status for attempt outcomes, or 0
 * @param responseHeaders destination response headers, or empty
 * @param responseBody destination response body, or empty
 */
public record LogEntry(
    long time,
    MessageState state,
    Message message,
    String error,
    long nextDeliveryTime,
    int responseStatus,
    Map<String, List<String>> responseHeaders,
    byte[] responseBody) {
  public LogEntry {
    responseHeaders = Headers.copyOf(responseHeaders);
    responseBody = responseBody == null ? new byte[0] : responseBody;
  }

  public String tenant() {
    return message.tenant();
  }

  /** The same entry with another snapshot of its message (e.g. with its body read back). */
  public LogEntry withMessage(Message m) {
    return new LogEntry(
        time, state, m, error, nextDeliveryTime, responseStatus, responseHeaders, responseBody);
  }

  /** A state change without an attempt outcome. */
  public static LogEntry of(long time, MessageState state, Message message, long nextDeliveryTime) {
    return new LogEntry(time, state, message, null, nextDeliveryTime, 0, Map.of(), null);
  }
}
