package dev.postbox.core.keys;

import dev.postbox.core.message.Ids;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tenant's signing keys: the configured ones until a rotation is stored. The official dev users'
 * keys never rotate (apps and the SDK's dev-mode check rely on them). Thread-safe.
 */
public final class KeyService {
  private final MessageStore store;
  private final Tenants tenants;
  private final ConcurrentHashMap<String, SigningKeys> cache = new ConcurrentHashMap<>();

  public KeyService(MessageStore store, Tenants tenants) {
    this.store = store;
    this.tenants = tenants;
  }

  /** The key deliveries of this tenant are signed with. */
  public String currentKey(String tenantId) {
    Tenant t =
        tenants
            .byId(tenantId)
            .orElseThrow(() -> new IllegalStateException("unknown tenant " + tenantId));
    return keys(t).current();
  }

  public SigningKeys keys(Tenant tenant) {
    return cache.computeIfAbsent(
        tenant.id(),
        id ->
            tenant.fixedKeys()
                ? tenant.initialKeys()
                : store.findSigningKeys(id).orElse(tenant.initialKeys()));
  }

  /** Next becomes current and a new next key is made; durable before the future completes. */
  public synchronized CompletableFuture<SigningKeys> rotate(Tenant tenant) {
    SigningKeys old = keys(tenant);
    if (tenant.fixedKeys()) {
      return CompletableFuture.completedFuture(old);
    }
    SigningKeys rotated = new SigningKeys(old.next(), Ids.signingKey());
    return store
        .commit(new StoreBatch().putSigningKeys(tenant.id(), rotated), Durability.SYNC)
        .thenApply(
            v -> {
              cache.put(tenant.id(), rotated);
              return rotated;
            });
  }
}
