package dev.postbox.core.message;

import java.util.List;
import java.util.Map;

/**
 * A message that finally failed, with the last attempt's response.
 *
 * @param dlqId id of the entry, {@code <epochMs>-<seq>}, time-ordered
 * @param message the full message as it was when it failed
 * @param failedAt when it entered the DLQ, epoch ms
 * @param responseStatus last attempt's status, 0 when there was no HTTP response
 * @param responseHeaders last attempt's response headers
 * @param responseBody last attempt's response body
 * @param error last attempt's error text, or null
 */
public record DlqEntry(
    String dlqId,
    Message message,
    long failedAt,
    int responseStatus,
    Map<String, List<String>> responseHeaders,
    byte[] responseBody,
    String error) {
  public DlqEntry {
    responseHeaders = Headers.copyOf(responseHeaders);
    responseBody = responseBody == null ? new byte[0] : responseBody;
  }

  public String tenant() {
    return message.tenant();
  }
}
