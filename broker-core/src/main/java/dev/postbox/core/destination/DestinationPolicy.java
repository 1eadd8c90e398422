package dev.postbox.core.destination;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which destinations the broker may call (docs/operations.md#destination-policy): an allow list and
 * a deny list of {@link DestinationRule}s. A destination is denied when a deny rule matches it and
 * no allow rule does: an allow match wins over a deny match, so an allow list carves exceptions out
 * of the deny list. With no deny rule everything is allowed, as on the dev server.
 *
 * <p>It is checked twice. At publish, from the URL alone and without DNS ({@link #check}): a host
 * pattern decides for the name as written, a CIDR only for an address literal. On each delivery,
 * once the host is resolved ({@link #deniedBy(String, InetAddress)}): the CIDRs then decide for the
 * address the deliverer is about to connect to, so a name that resolves into a denied range is
 * refused then. Immutable and thread-safe.
 */
public final class DestinationPolicy {
  /** What {@code --destination-profile production} denies: nothing a public service lives on. */
  public static final List<String> PRODUCTION_DENY =
      List.of(
          "0.0.0.0/8", // "this network", and the unspecified address
          "10.0.0.0/8", // private (RFC 1918)
          "100.64.0.0/10", // carrier-grade NAT
          "127.0.0.0/8", // loopback
          "169.254.0.0/16", // link-local (and cloud metadata services)
          "172.16.0.0/12", // private
          "192.168.0.0/16", // private
          "224.0.0.0/4", // multicast
          "240.0.0.0/4", // reserved, and broadcast
          "::/128", // unspecified
          "::1/128", // loopback
          "fc00::/7", // unique local
          "fe80::/10", // link-local
          "ff00::/8", // multicast
          "localhost",
          "*.localhost");

  /** The origin the production profile's rules are shown with. */
  public static final String PRODUCTION = "production profile";

  private static final DestinationPolicy ALLOW_ALL = new DestinationPolicy(List.of(), List.of());

  private final List<DestinationRule> allow;
  private final List<DestinationRule> deny;

  private DestinationPolicy(List<DestinationRule> allow, List<DestinationRule> deny) {
    this.allow = List.copyOf(allow);
    this.deny = List.copyOf(deny);
  }

  /** No rule: every destination is allowed. */
  public static DestinationPolicy allowAll() {
    return ALLOW_ALL;
  }

  /**
   * @param allow allow entries (CIDRs and host patterns)
   * @param deny deny entries
   * @param production also deny {@link #PRODUCTION_DENY}
   * @throws IllegalArgumentException naming the first entry that is neither a CIDR nor a host
   *     pattern, prefixed with {@code allow: } or {@code deny: }
   */
  public static DestinationPolicy of(List<String> allow, List<String> deny, boolean production) {
    List<DestinationRule> denied = new ArrayList<>(rules(false, deny, null));
    if (production) {
      denied.addAll(rules(false, PRODUCTION_DENY, PRODUCTION));
    }
    return new DestinationPolicy(rules(true, allow, null), denied);
  }

  private static List<DestinationRule> rules(boolean allow, List<String> entries, String origin) {
    List<DestinationRule> out = new ArrayList<>();
    for (String e : entries) {
      try {
        out.add(DestinationRule.parse(allow, e, origin));
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException((allow ? "allow: " : "deny: ") + bad.getMessage(), bad);
      }
    }
    return out;
  }

  /** True when nothing is denied (no deny rule). */
  public boolean allowsAll() {
    return deny.isEmpty();
  }

  /**
   * The rule that denies {@code host} as written, deciding CIDRs only when it is an address
   * literal; never asks DNS.
   */
  public Optional<DestinationRule> deniedBy(String host) {
    return deniedBy(host, IpLiteral.parse(host));
  }

  /**
   * The rule that denies connecting to {@code host} at {@code address}, or empty when allowed.
   *
   * @param host the host as written in the URL (a name or an address literal)
   * @param address the address it resolved to, or null when not known
   */
  public Optional<DestinationRule> deniedBy(String host, InetAddress address) {
    if (deny.isEmpty()) {
      return Optional.empty();
    }
    String h = normalize(host);
    InetAddress a = address != null ? address : IpLiteral.parse(h);
    for (DestinationRule d : deny) {
      if (d.matches(h, a)) {
        for (DestinationRule r : allow) {
          if (r.matches(h, a)) {
            return Optional.empty();
          }
        }
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /**
   * Refuses a URL this policy denies from its text alone (see the class comment); a URL without a
   * host passes, for the URL checks to refuse.
   *
   * @param what names the URL in the error: {@code destination}, {@code callback}, ...
   * @throws DestinationDeniedException (a 400) naming the URL and the rule
   */
  public void check(String url, String what) {
    if (deny.isEmpty() || url == null) {
      return;
    }
    String host;
    try {
      host = new URI(url.trim()).getHost();
    } catch (URISyntaxException e) {
      return;
    }
    if (host != null) {
      deniedBy(host)
          .ifPresent(
              r -> {
                throw new DestinationDeniedException(what + " " + url + " is denied by rule " + r);
              });
    }
  }

  /** The rules, as the effective configuration shows them. */
  @Override
  public String toString() {
    return "allow " + allow + ", deny " + deny;
  }

  private static String normalize(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }
}
