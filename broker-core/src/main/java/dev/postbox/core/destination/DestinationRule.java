package dev.postbox.core.destination;

import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of an allow or deny list: a CIDR ({@code 10.0.0.0/8}, {@code fd00::/8}, or a single
 * address), or a host pattern ({@code localhost}, {@code api.example.com}, {@code *.internal} for
 * any name under {@code internal}, or {@code *} for every destination). Rules ignore ports and
 * schemes. A CIDR matches an address; a host pattern matches the name as written in the URL (and
 * {@code *} matches anything, address literals included).
 */
public final class DestinationRule {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?");

  private final boolean allow;
  private final String text;
  private final String origin;
  private final Cidr cidr; // null for a host pattern

  /**
   * @param allow true in an allow list
   * @param text the entry as written (lower case), which error texts quote
   * @param origin where the entry comes from, said after it ({@code "production profile"}), or null
   * @param cidr the range, or null when {@code text} is a host pattern
   */
  private DestinationRule(boolean allow, String text, String origin, Cidr cidr) {
    this.allow = allow;
    this.text = text;
    this.origin = origin;
    this.cidr = cidr;
  }

  /**
   * Reads one entry.
   *
   * @throws IllegalArgumentException naming the entry and what is wrong with it
   */
  public static DestinationRule parse(boolean allow, String entry, String origin) {
    String t = entry.trim().toLowerCase(Locale.ROOT);
    if (t.isEmpty()) {
      throw new IllegalArgumentException("an empty entry");
    }
    Cidr cidr;
    try {
      cidr = Cidr.parse(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + entry.trim() + "': " + e.getMessage(), e);
    }
    if (cidr != null) {
      return new DestinationRule(allow, t, origin, cidr);
    }
    if (t.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
      throw new IllegalArgumentException(
          "'"
              + entry.trim()
              + "' is not an address: write an IPv4 address in four parts (10.0.0.0/24)");
    }
    if (t.equals("*") || isHostPattern(t)) {
      return new DestinationRule(allow, t, origin, null);
    }
    throw new IllegalArgumentException(
        "'"
            + entry.trim()
            + "' is neither a CIDR (10.0.0.0/8, fd00::/8, 127.0.0.1) nor a host pattern"
            + " (api.example.com, *.internal, localhost)");
  }

  private static boolean isHostPattern(String t) {
    String name = t.startsWith("*.") ? t.substring(2) : t;
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.isEmpty() || name.length() > 253) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (label.length() > 63 || !LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** True in an allow list. */
  public boolean allow() {
    return allow;
  }

  /** The entry as written, in lower case. */
  public String text() {
    return text;
  }

  /**
   * @param host the host as written in the URL, lower case, without brackets or a trailing dot
   * @param address the address it is, or resolved to; null when not known yet
   */
  boolean matches(String host, InetAddress address) {
    if (cidr != null) {
      return address != null && cidr.contains(address);
    }
    if (text.equals("*")) {
      return true;
    }
    String p = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    if (p.startsWith("*.")) {
      return host.endsWith(p.substring(1)); // *.internal: a.internal and a.b.internal
    }
    return host.equals(p);
  }

  /** {@code deny 10.0.0.0/8}, or {@code deny 10.0.0.0/8 (production profile)}. */
  @Override
  public String toString() {
    return (allow ? "allow " : "deny ") + text + (origin == null ? "" : " (" + origin + ")");
  }
}
