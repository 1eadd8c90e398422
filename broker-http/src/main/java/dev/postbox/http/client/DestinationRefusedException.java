package dev.postbox.http.client;

import dev.postbox.core.destination.DestinationRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.Arrays;

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
    String where = isLiteralOf(h, address) ? h : h + " (resolved to " + ip + ")";
    return "destination " + where + " is denied by rule " + rule + ": not connected, not retried";
  }

  /** True when {@code host} is an address literal of {@code address} ({@code ::1}, not a name). */
  private static boolean isLiteralOf(String host, InetAddress address) {
    return host.equalsIgnoreCase(address.getHostAddress())
        || Arrays.equals(NetUtil.createByteArrayFromIpAddressString(host), address.getAddress());
  }
}
