package dev.postbox.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The configuration the server runs with, printed at start: each setting's value and where it came
 * from, and the config file's tenants. Tokens and signing keys are masked: only whether they are
 * set is shown (metrics need no credential of their own: {@code --metrics-auth} takes tenants'
 * tokens).
 */
final class EffectiveConfig {
  static final String MASK = "********";

  private static final Set<String> SECRETS =
      Set.of("--token", "--current-signing-key", "--next-signing-key", "--redis-token");

  private EffectiveConfig() {}

  static String text(BrokerConfig c) {
    StringBuilder sb =
        new StringBuilder("Configuration (flag > environment > config file > default):\n");
    for (BrokerConfig.Setting s : BrokerConfig.SETTINGS) {
      ConfigSources.Source src = c.sources.of(s.flag());
      String value = src == null ? null : src.text();
      String where = src == null ? "default" : src.where();
      if (value == null) {
        value = "(unset)";
      } else if (SECRETS.contains(s.flag())) {
        value = MASK;
      }
      sb.append(String.format("  %-24s %-22s %s%n", s.flag().substring(2), value, where));
    }
    if (!c.fileTenants.isEmpty()) {
      List<String> tenants = new ArrayList<>();
      for (ConfigFile.TenantEntry e : c.fileTenants) {
        tenants.add(
            e.id()
                + " (token "
                + MASK
                + ", signing keys "
                + (e.currentSigningKey() == null ? "generated once, stored" : MASK)
                + ")");
      }
      sb.append(
          String.format(
              "  %-24s %s, from %s%n",
              "tenants", String.join(", ", tenants), c.sources.file().name()));
    }
    return sb.toString();
  }
}
