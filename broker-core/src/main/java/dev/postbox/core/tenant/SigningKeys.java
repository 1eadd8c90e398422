package dev.postbox.core.tenant;

import java.util.Objects;

/**
 * A tenant's signing keys: deliveries are signed with {@code current}; receivers also accept next.
 */
public record SigningKeys(String current, String next) {
  public SigningKeys {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(next, "next");
  }
}
