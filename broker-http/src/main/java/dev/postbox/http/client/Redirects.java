package dev.postbox.http.client;

import dev.postbox.core.delivery.DeliveryRequest;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.message.Headers;
import java.net.URI;

/**
 * Which redirects are followed and how, like Go's default client: 301/302/303 turn into a GET
 * without body (a GET or HEAD stays as it is), 307/308 keep method and body.
 */
final class Redirects {
  private Redirects() {}

  /**
   * The request that follows {@code res}, or null when it is not a redirect to follow (not a
   * redirect status, no {@code Location}, or one that is not a valid URI reference).
   */
  static DeliveryRequest follow(DeliveryRequest r, DeliveryResponse res) {
    int s = res.status();
    String location = Headers.first(res.headers(), "Location");
    boolean redirect =
        (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && location != null;
    if (!redirect) {
      return null;
    }
    String next;
    try {
      next = URI.create(r.url()).resolve(location.trim()).toString();
    } catch (IllegalArgumentException e) {
      return null;
    }
    boolean keep = s == 307 || s == 308 || r.method().equals("GET") || r.method().equals("HEAD");
    return new DeliveryRequest(
        keep ? r.method() : "GET",
        next,
        r.headers(),
        keep ? r.body() : new byte[0],
        r.timeoutMillis());
  }
}
