package dev.postbox.core.store;

import dev.postbox.core.message.Hosts;
import dev.postbox.core.message.MessageRef;
import java.util.Objects;

/**
 * An entry of the due index: the message {@code ref} is due at {@code dueAt}. An entry is
 * identified by {@code (dueAt, ref)}; {@code host}, when known, is the message's delivery host
 * ({@link Hosts#of}) kept beside the entry, so the dispatcher can pass over messages whose host is
 * saturated without reading them. It is null for entries written without it (by older versions, and
 * for queued messages moved into the due index).
 */
public record DueRef(long dueAt, MessageRef ref, String host) {
  private static final MessageRef BEFORE_ALL = new MessageRef("", "");

  public DueRef(long dueAt, MessageRef ref) {
    this(dueAt, ref, null);
  }

  /** The position just before every entry due at {@code dueAt}: scanning after it includes them. */
  public static DueRef before(long dueAt) {
    return new DueRef(dueAt, BEFORE_ALL);
  }

  /** The same entry whatever the host hint says. */
  @Override
  public boolean equals(Object o) {
    return o instanceof DueRef d && d.dueAt == dueAt && d.ref.equals(ref);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dueAt, ref);
  }
}
