package dev.postbox.http.client;

import java.util.Locale;
import java.util.Set;

/** Headers an outgoing delivery never copies from the message: the transport sets them. */
final class OutboundHeaders {
  private static final Set<String> RESTRICTED =
      Set.of(
          "host",
          "connection",
          "content-length",
          "expect",
          "upgrade",
          "transfer-encoding",
          "keep-alive",
          "te",
          "trailer",
          "proxy-connection",
          "http2-settings");

  private OutboundHeaders() {}

  static boolean isRestricted(String name) {
    return RESTRICTED.contains(name.toLowerCase(Locale.ROOT));
  }
}
