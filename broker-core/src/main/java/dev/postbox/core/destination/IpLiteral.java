package dev.postbox.core.destination;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Reads an IP address written as text, never asking DNS: a host that is not an address literal is
 * answered null. IPv4 takes the forms the JDK's resolver accepts ({@code 127.0.0.1}, and the short
 * {@code 127.1} and {@code 2130706433}), so that a destination cannot slip past a CIDR at publish
 * by a spelling the deliverer later connects to.
 */
final class IpLiteral {
  private IpLiteral() {}

  /**
   * @param host a URL's host: a name, an IPv4 literal, or an IPv6 literal with or without brackets
   *     and with or without a zone ({@code fe80::1%eth0})
   * @return the address, or null when {@code host} is not an address literal
   */
  static InetAddress parse(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.isEmpty()) {
      return null;
    }
    if (h.indexOf(':') >= 0) {
      return ipv6(h);
    }
    return ipv4(h);
  }

  private static InetAddress ipv6(String h) {
    int zone = h.indexOf('%');
    String a = zone < 0 ? h : h.substring(0, zone);
    for (int i = 0; i < a.length(); i++) {
      char c = a.charAt(i);
      if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
        return null;
      }
    }
    try {
      // Brackets make the JDK parse it as a literal or fail; it never looks a bracketed host up.
      // An IPv4-mapped address (::ffff:127.0.0.1) comes back as the IPv4 address it maps.
      return InetAddress.getByName("[" + a + "]");
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static InetAddress ipv4(String h) {
    if (h.endsWith(".") || h.startsWith(".") || h.contains("..")) {
      return null;
    }
    String[] parts = h.split("\\.");
    if (parts.length > 4) {
      return null;
    }
    long[] n = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].isEmpty()
          || parts[i].length() > 10
          || !parts[i].chars().allMatch(Character::isDigit)) {
        return null;
      }
      n[i] = Long.parseLong(parts[i]);
    }
    // a.b.c.d, or the last part fills the bytes left: a.b.c (16 bits), a.b (24 bits), a (32 bits)
    long value = 0;
    for (int i = 0; i < n.length - 1; i++) {
      if (n[i] > 255) {
        return null;
      }
      value = value << 8 | n[i];
    }
    int lastBits = 8 * (5 - n.length);
    long last = n[n.length - 1];
    if (last >= 1L << lastBits) {
      return null;
    }
    value = value << lastBits | last;
    byte[] b = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // four bytes are always an address
    }
  }
}
