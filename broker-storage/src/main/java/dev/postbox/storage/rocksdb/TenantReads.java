package dev.postbox.storage.rocksdb;

import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.publish.DedupRecord;
import dev.postbox.core.tenant.SigningKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads of a tenant's URL groups, deduplication records and signing keys. */
final class TenantReads {
  private final RocksDbReader reader;
  private final RocksDbStorage storage;

  TenantReads(RocksDbReader reader) {
    this.reader = reader;
    this.storage = reader.storage;
  }

  Optional<UrlGroup> findGroup(String tenant, String name) {
    byte[] v = reader.get(storage.groups, Keys.message(tenant, name));
    return v == null ? Optional.empty() : Optional.of(GroupCodec.decode(v));
  }

  List<UrlGroup> listGroups(String tenant) {
    List<UrlGroup> out = new ArrayList<>();
    reader.scanPrefix(
        storage.groups, Keys.tenantPrefix(tenant), (k, v) -> out.add(GroupCodec.decode(v)));
    return out;
  }

  Optional<DedupRecord> findDedup(String tenant, String id) {
    byte[] v = reader.get(storage.dedup, Keys.message(tenant, id));
    return v == null ? Optional.empty() : Optional.of(DedupCodec.decode(v));
  }

  Optional<SigningKeys> findSigningKeys(String tenant) {
    byte[] v = reader.get(storage.meta, Keys.signingKeys(tenant));
    return v == null ? Optional.empty() : Optional.of(SigningKeysCodec.decode(v));
  }
}
