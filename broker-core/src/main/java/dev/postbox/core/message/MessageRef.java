package dev.postbox.core.message;

import java.util.Objects;

/** Identifies a message within its tenant. */
public record MessageRef(String tenant, String id) {
  public MessageRef {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
  }

  // Written out: the dispatcher looks refs up in hash sets for every due entry it scans, and the
  // generated record methods showed up in its profile.
  @Override
  public boolean equals(Object o) {
    return o instanceof MessageRef r && r.id.equals(id) && r.tenant.equals(tenant);
  }

  @Override
  public int hashCode() {
    return 31 * tenant.hashCode() + id.hashCode();
  }
}
