package com.example.broker.core.store;

import com.example.broker.core.message.MessageRef;

/** An entry of the due index: the message {@code ref} is due at {@code dueAt}. */
public record DueRef(long dueAt, MessageRef ref) {
  private static final MessageRef BEFORE_ALL = new MessageRef("", "");

  /** The position just before every entry due at {@code dueAt}: scanning after it includes them. */
  public static DueRef before(long dueAt) {
    return new DueRef(dueAt, BEFORE_ALL);
  }
}
