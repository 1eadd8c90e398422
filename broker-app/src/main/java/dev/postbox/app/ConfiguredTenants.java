package dev.postbox.app;

import dev.postbox.core.message.Ids;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.tenant.DevTenants;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who may call: the dev server's users, or else the production tenant of {@code --token} and the
 * tenants of the config file. A tenant whose signing keys are not given gets a pair generated once
 * and stored under its id, so they survive restarts (and rotations are stored the same way).
 */
final class ConfiguredTenants {
  /** Tenant ids appear in storage keys, metrics labels and logs: kept short and plain. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private static final int MIN_KEY_LENGTH = 32;

  private ConfiguredTenants() {}

  static Tenants from(BrokerConfig config, MessageStore store) {
    if (config.devMode()) {
      return new Tenants(DevTenants.ALL);
    }
    List<Tenant> all = new ArrayList<>();
    if (config.token() != null) {
      all.add(
          tenant(
              Broker.PRODUCTION_TENANT, config.token(), config.production().signingKeys(), store));
    }
    for (ConfigFile.TenantEntry e : config.fileTenants) {
      SigningKeys keys =
          e.currentSigningKey() == null
              ? null
              : new SigningKeys(e.currentSigningKey(), e.nextSigningKey());
      all.add(tenant(e.id(), e.token(), keys, store));
    }
    return new Tenants(all);
  }

  /** A tenant with the given keys, or with those stored for it, or with new ones stored now. */
  private static Tenant tenant(String id, String token, SigningKeys given, MessageStore store) {
    SigningKeys keys = given;
    if (keys == null) {
      keys =
          store
              .findSigningKeys(id)
              .orElseGet(
                  () -> {
                    SigningKeys generated = new SigningKeys(Ids.signingKey(), Ids.signingKey());
                    store
                        .commit(new StoreBatch().putSigningKeys(id, generated), Durability.SYNC)
                        .join();
                    return generated;
                  });
    }
    return new Tenant(id, token, keys, false);
  }

  /** What is wrong with the config file's tenants, each naming the tenant's line. */
  static List<String> problems(BrokerConfig c) {
    List<String> problems = new ArrayList<>();
    ConfigFile file = c.sources.file();
    Map<String, String> ids = new HashMap<>();
    Map<String, String> tokens = new HashMap<>();
    if (c.token() != null) {
      ids.put(Broker.PRODUCTION_TENANT, "the --token tenant");
      tokens.put(c.token(), "the --token tenant");
    }
    for (int i = 0; i < c.fileTenants.size(); i++) {
      ConfigFile.TenantEntry e = c.fileTenants.get(i);
      String where = file.line(e.line()) + ": tenants[" + i + "]";
      if (e.id() == null || !ID.matcher(e.id()).matches()) {
        problems.add(where + ": id must be 1 to 64 letters, digits, '.', '_' or '-'");
      } else if (ids.containsKey(e.id())) {
        problems.add(where + ": id " + e.id() + " is also the id of " + ids.get(e.id()));
      } else {
        ids.put(e.id(), where);
      }
      if (e.token() == null || e.token().isBlank()) {
        problems.add(where + ": token must be given and not blank");
      } else if (tokens.containsKey(e.token())) {
        problems.add(where + ": token is also the token of " + tokens.get(e.token()));
      } else {
        tokens.put(e.token(), where);
      }
      if ((e.currentSigningKey() == null) != (e.nextSigningKey() == null)) {
        problems.add(where + ": give both current-signing-key and next-signing-key, or neither");
      }
      for (String k : new String[] {e.currentSigningKey(), e.nextSigningKey()}) {
        if (k != null && k.length() < MIN_KEY_LENGTH) {
          problems.add(where + ": signing keys must be at least " + MIN_KEY_LENGTH + " characters");
          break;
        }
      }
    }
    return problems;
  }
}
