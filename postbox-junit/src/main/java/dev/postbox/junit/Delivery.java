package dev.postbox.junit;

import java.util.Map;

/**
 * One delivery attempt the server recorded in test mode (docs/testing.md).
 *
 * @param messageId the message delivered
 * @param method HTTP method sent
 * @param url destination
 * @param attempt 1 for the first attempt, 2 for the first retry, ...
 * @param status the destination's answer, 0 when none came
 * @param time when the attempt ended, on the server's clock (epoch ms)
 * @param headers the request headers as sent (several values joined with ", ")
 * @param body the request body as UTF-8 text
 */
public record Delivery(
    String messageId,
    String method,
    String url,
    int attempt,
    int status,
    long time,
    Map<String, String> headers,
    String body) {
  public Delivery {
    headers = Map.copyOf(headers);
  }

  /** A header's value, the name in any case; null when it was not sent. */
  public String header(String name) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }
}
