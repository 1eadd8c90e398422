package dev.postbox.core.message;

import java.util.List;
import java.util.Map;

/**
 * How to send a callback or failure callback for a message (from the {@code Upstash-Callback-*} or
 * {@code Upstash-Failure-Callback-*} headers).
 *
 * @param url the callback URL
 * @param method HTTP method, default POST
 * @param timeoutMillis per-attempt timeout, 0 for the broker default
 * @param retries retries of the callback message, null for "same as the source message"
 * @param retryDelayExpression custom backoff expression, or null
 * @param delayMillis delay before the callback is delivered
 * @param headers headers forwarded on the callback request (canonical names)
 */
public record CallbackSpec(
    String url,
    String method,
    long timeoutMillis,
    Integer retries,
    String retryDelayExpression,
    long delayMillis,
    Map<String, List<String>> headers) {
  public CallbackSpec {
    headers = Headers.copyOf(headers);
  }

  /** The same callback with other headers. */
  public CallbackSpec withHeaders(Map<String, List<String>> h) {
    return new CallbackSpec(
        url, method, timeoutMillis, retries, retryDelayExpression, delayMillis, h);
  }
}
