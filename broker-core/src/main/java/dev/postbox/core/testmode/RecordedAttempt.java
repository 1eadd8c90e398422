package dev.postbox.core.testmode;

import dev.postbox.core.message.Headers;
import java.util.List;
import java.util.Map;

/**
 * One delivery attempt as test mode recorded it (docs/testing.md).
 *
 * @param seq position in the record, increasing over all tenants
 * @param messageId the message delivered
 * @param method HTTP method sent
 * @param url destination
 * @param headers the request headers as sent (signature included)
 * @param body the request body
 * @param status the answer's status, 0 when none came (connection error, timeout)
 * @param error why no answer came, else null
 * @param attempt 1 for the first attempt, 2 for the first retry, ...
 * @param at when the attempt ended (the broker's clock, epoch ms)
 */
public record RecordedAttempt(
    long seq,
    String messageId,
    String method,
    String url,
    Map<String, List<String>> headers,
    byte[] body,
    int status,
    String error,
    int attempt,
    long at) {
  public RecordedAttempt {
    headers = Headers.copyOf(headers);
  }
}
