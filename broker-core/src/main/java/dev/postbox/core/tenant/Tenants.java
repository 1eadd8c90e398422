package dev.postbox.core.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/** The configured tenants, looked up by token in constant time per candidate. */
public final class Tenants {
  private final List<Tenant> tenants;

  public Tenants(List<Tenant> tenants) {
    this.tenants = List.copyOf(tenants);
  }

  public Optional<Tenant> byToken(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    byte[] given = token.getBytes(StandardCharsets.UTF_8);
    for (Tenant t : tenants) {
      if (MessageDigest.isEqual(given, t.token().getBytes(StandardCharsets.UTF_8))) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  public Optional<Tenant> byId(String id) {
    for (Tenant t : tenants) {
      if (t.id().equals(id)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  public List<Tenant> all() {
    return tenants;
  }
}
