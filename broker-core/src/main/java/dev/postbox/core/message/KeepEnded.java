package dev.postbox.core.message;

import dev.postbox.core.store.StoreBatch;
import java.time.Duration;
import java.util.Objects;

/**
 * How long a message stays readable by {@code GET /v2/messages/{id}} after it ended (delivered or
 * failed to the DLQ; a cancelled message goes at once, as the user asked): {@code --keep-ended},
 * see docs/api.md#messages. A client that reads a message right after publishing it would otherwise
 * race its delivery. The ended record is written in the same batch that removes the message, so it
 * costs no extra commit; the retention pass deletes it once the window has passed. Zero turns it
 * off. Immutable.
 */
public record KeepEnded(Duration window) {
  /** Nothing is kept: an ended message is gone at once. */
  public static final KeepEnded OFF = new KeepEnded(Duration.ZERO);

  public KeepEnded {
    Objects.requireNonNull(window, "window");
    if (window.isNegative()) {
      throw new IllegalArgumentException("negative keep-ended window " + window);
    }
  }

  public boolean isOn() {
    return !window.isZero();
  }

  /**
   * Adds the ended record of {@code m} to {@code b}, the batch that removes {@code m}; nothing when
   * off.
   */
  public StoreBatch keep(StoreBatch b, Message m, MessageState state, long endedAt) {
    return isOn() ? b.putEnded(m, state, endedAt) : b;
  }

  /** Whether {@code e} is still readable at {@code now}. */
  public boolean readable(EndedMessage e, long now) {
    return isOn() && now - e.endedAt() < window.toMillis();
  }

  /**
   * Ended records that ended before this time (epoch ms) are past the window at {@code now}: those
   * {@link #readable} no longer answers.
   */
  public long expiredBefore(long now) {
    return now - window.toMillis() + 1;
  }
}
