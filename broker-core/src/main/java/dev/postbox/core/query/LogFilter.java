package dev.postbox.core.query;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.MessageState;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Parameters of {@code GET /v2/events} and {@code GET /v2/logs} (docs/api.md#logs). Unknown ones
 * are ignored.
 */
public final class LogFilter {
  private final String cursor;
  private final int count;
  private final boolean newestFirst;
  private final Predicate<LogEntry> predicate;

  private LogFilter(String cursor, int count, boolean newestFirst, Predicate<LogEntry> p) {
    this.cursor = cursor;
    this.count = count;
    this.newestFirst = newestFirst;
    this.predicate = p;
  }

  public static LogFilter parse(Map<String, List<String>> q) {
    Integer count = Criteria.integer(q, "count", 1, 1000);
    boolean newestFirst = Criteria.newestFirst(q, true);
    Criteria<LogEntry> c =
        new Criteria<LogEntry>(q, LogEntry::message)
            .common()
            .host()
            .path()
            .timeRange(LogEntry::time);
    Set<String> ids = Criteria.set(q, "messageIds", "messageId");
    if (!ids.isEmpty()) {
      c.add(e -> ids.contains(e.message().id()));
    }
    String state = Criteria.single(q, "state");
    if (state != null) {
      Set<MessageState> states = states(state);
      c.add(e -> states.contains(e.state()));
    }
    return new LogFilter(
        Criteria.single(q, "cursor"), count == null ? 100 : count, newestFirst, c.build());
  }

  private static Set<MessageState> states(String s) {
    if (s.trim().equalsIgnoreCase("IN_PROGRESS")) {
      return EnumSet.of(MessageState.ACTIVE, MessageState.RETRY, MessageState.ERROR);
    }
    try {
      return EnumSet.of(MessageState.parse(s));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "invalid state: \""
              + s
              + "\" (expected one of "
              + List.of(MessageState.values())
              + " or IN_PROGRESS)");
    }
  }

  public String cursor() {
    return cursor;
  }

  public int count() {
    return count;
  }

  public boolean newestFirst() {
    return newestFirst;
  }

  public Predicate<LogEntry> predicate() {
    return predicate;
  }
}
