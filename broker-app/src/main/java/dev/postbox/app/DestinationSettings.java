package dev.postbox.app;

import dev.postbox.core.destination.DestinationPolicy;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Which destinations the broker may call (docs/operations.md#destination-policy): allow and deny
 * lists, comma-separated on the command line and in the environment, a list or a comma-separated
 * string in the config file, and a profile that adds the production deny list.
 */
final class DestinationSettings {
  static final String ALLOW = "--allow-destinations";
  static final String DENY = "--deny-destinations";

  @Option(
      names = ALLOW,
      split = ",",
      paramLabel = "RULE",
      description =
          "CIDRs and host patterns (10.0.0.0/8, fd00::/8, api.example.com, *.internal) always"
              + " allowed, even when a deny rule also matches")
  List<String> allow = new ArrayList<>();

  @Option(
      names = DENY,
      split = ",",
      paramLabel = "RULE",
      description =
          "CIDRs and host patterns (* for all) refused at publish (400) and, once resolved,"
              + " on each delivery (to the DLQ, no retry)")
  List<String> deny = new ArrayList<>();

  @Option(
      names = "--destination-profile",
      defaultValue = "open",
      description =
          "open (only --deny-destinations is denied), or production: also deny loopback, private,"
              + " link-local, CGNAT, multicast and unspecified ranges and localhost")
  String profile;

  /** The policy these settings describe; call only once {@link #problems()} found none. */
  DestinationPolicy policy() {
    return DestinationPolicy.of(entries(allow), entries(deny), profile.equals("production"));
  }

  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!profile.equals("open") && !profile.equals("production")) {
      problems.add("--destination-profile must be open or production");
      return problems;
    }
    try {
      policy();
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      problems.add(
          m.startsWith("allow: ")
              ? ALLOW + ": " + m.substring(7)
              : m.startsWith("deny: ") ? DENY + ": " + m.substring(6) : m);
    }
    return problems;
  }

  /** The entries without blanks: an empty value, or a trailing comma, lists nothing. */
  private static List<String> entries(List<String> values) {
    List<String> out = new ArrayList<>();
    if (values != null) {
      for (String v : values) {
        if (v != null && !v.isBlank()) {
          out.add(v.trim());
        }
      }
    }
    return out;
  }
}
