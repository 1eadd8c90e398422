package dev.postbox.core.tenant;

import java.util.Objects;

/**
 * A user of the broker, identified by its token. Every stored resource is keyed by {@link #id()},
 * so tenants cannot see each other's data.
 *
 * @param id stable identifier used in storage keys (never contains NUL)
 * @param token the bearer token that authenticates this tenant
 * @param initialKeys signing keys used until the tenant rotates them
 * @param fixedKeys true for the official dev-server users, whose keys never rotate
 */
public record Tenant(String id, String token, SigningKeys initialKeys, boolean fixedKeys) {
  public Tenant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(initialKeys, "initialKeys");
    if (id.isEmpty() || id.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("tenant id must be non-empty and contain no NUL");
    }
  }
}
