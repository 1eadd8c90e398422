package dev.postbox.core.store;

import dev.postbox.core.message.LogEntry;
import java.util.Set;

/**
 * What a log query can be narrowed to before its filter runs: entries whose time is within {@code
 * [fromTime, toTime]} (epoch ms, inclusive) and, when {@code messageIds} is not empty, of those
 * messages only. A store may skip the other entries without decoding them.
 */
public record LogScope(long fromTime, long toTime, Set<String> messageIds) {
  /** Every entry. */
  public static final LogScope ALL = new LogScope(Long.MIN_VALUE, Long.MAX_VALUE, Set.of());

  public LogScope {
    messageIds = Set.copyOf(messageIds);
  }

  public boolean contains(LogEntry e) {
    return e.time() >= fromTime
        && e.time() <= toTime
        && (messageIds.isEmpty() || messageIds.contains(e.message().id()));
  }
}
