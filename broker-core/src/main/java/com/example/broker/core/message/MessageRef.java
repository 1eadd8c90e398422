package com.example.broker.core.message;

import java.util.Objects;

/** Identifies a message within its tenant. */
public record MessageRef(String tenant, String id) {
  public MessageRef {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
  }
}
