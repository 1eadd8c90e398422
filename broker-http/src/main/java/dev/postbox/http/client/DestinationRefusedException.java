package dev.postbox.http.client;

import dev.postbox.core.destination.DestinationRule;
import java.net.InetAddress;

/**
 * A lookup answered an address the destination policy denies: the delivery attempt fails without
 * connecting, and is not retried (docs/operations.md#destination-policy).
 */
final class DestinationRefusedException extends RuntimeException {
  DestinationRefusedException(String host, InetAddress address, DestinationRule rule) {
    super(text(host, address, rule), null, false, false);
  }

  private static String text(String host, InetAddress address, DestinationRule rule) {
    String ip = address.getHostAddress();
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    String where = h.equalsIgnoreCase(ip) ? ip : h + " (resolved to " + ip + ")";
    return "destination " + where + " is denied by rule " + rule + ": not connected, not retried";
  }
}
