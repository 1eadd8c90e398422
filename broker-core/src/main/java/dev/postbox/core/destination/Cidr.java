package dev.postbox.core.destination;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A range of addresses: {@code 10.0.0.0/8}, {@code fd00::/8}, or one address ({@code 127.0.0.1} is
 * {@code 127.0.0.1/32}). An IPv4 range never holds an IPv6 address, except that an IPv4-mapped IPv6
 * address ({@code ::ffff:10.0.0.1}) is read as the IPv4 address it maps.
 */
final class Cidr {
  private final byte[] network;
  private final int prefix;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * @return the range {@code text} writes, or null when it is not written as an address with an
   *     optional {@code /prefix} (then it may be a host pattern)
   * @throws IllegalArgumentException when it is an address whose prefix is out of range or whose
   *     bits past the prefix are set ({@code 10.0.0.1/8})
   */
  static Cidr parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    InetAddress a = IpLiteral.parse(address);
    if (a == null || (a instanceof Inet4Address && !isDottedQuad(address))) {
      return null; // a name; the short IPv4 forms are not accepted in a rule, only in a URL
    }
    byte[] bytes = a.getAddress();
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String p = text.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("the prefix after / must be a number 0.." + max);
      }
      prefix = Integer.parseInt(p);
      if (prefix > max) {
        throw new IllegalArgumentException("the prefix after / must be 0.." + max);
      }
    }
    byte[] masked = mask(bytes, prefix);
    if (!Arrays.equals(masked, bytes)) {
      String network;
      try {
        network = InetAddress.getByAddress(masked).getHostAddress();
      } catch (UnknownHostException e) {
        throw new AssertionError(e);
      }
      throw new IllegalArgumentException(
          "bits are set past the /"
              + prefix
              + " prefix (did you mean "
              + network
              + "/"
              + prefix
              + "?)");
    }
    return new Cidr(bytes, prefix);
  }

  /** True when {@code address} lies in this range. */
  boolean contains(InetAddress address) {
    byte[] b = address.getAddress();
    return b.length == network.length && Arrays.equals(mask(b, prefix), network);
  }

  private static boolean isDottedQuad(String s) {
    return s.chars().filter(c -> c == '.').count() == 3;
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - 8 * i));
      out[i] = (byte) (out[i] & (0xff00 >>> bits));
    }
    return out;
  }
}
