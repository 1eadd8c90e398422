package dev.postbox.core.delivery;

import dev.postbox.core.message.Headers;
import java.util.List;
import java.util.Map;

/**
 * One outgoing HTTP request to a destination, fully prepared (headers include the signature).
 *
 * @param method HTTP method
 * @param url absolute http(s) URL
 * @param headers request headers
 * @param body request body (sent for every method)
 * @param timeoutMillis give up after this long; the attempt then fails with status 0
 */
public record DeliveryRequest(
    String method, String url, Map<String, List<String>> headers, byte[] body, long timeoutMillis) {
  public DeliveryRequest {
    headers = Headers.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }
}
