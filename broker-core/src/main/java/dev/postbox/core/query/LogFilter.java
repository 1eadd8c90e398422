package dev.postbox.core.query;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.store.LogScope;
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
  /**
   * How long before the time in its id a message's first log entry may be: the entry's time is read
   * from the clock before the id is made, so a little; a minute leaves room for any clock.
   */
  static final long ID_TIME_MARGIN_MILLIS = 60_000;

  private final String cursor;
  private final int count;
  private final boolean newestFirst;
  private final Predicate<LogEntry> predicate;
  private final long fromTime;
  private final long toTime;
  private final Set<String> messageIds;

  private LogFilter(
      String cursor,
      int count,
      boolean newestFirst,
      Predicate<LogEntry> p,
      long fromTime,
      long toTime,
      Set<String> messageIds) {
    this.cursor = cursor;
    this.count = count;
    this.newestFirst = newestFirst;
    this.predicate = p;
    this.fromTime = fromTime;
    this.toTime = toTime;
    this.messageIds = messageIds;
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
    Long from = Criteria.epochMillis(q, "fromDate");
    Long to = Criteria.epochMillis(q, "toDate");
    return new LogFilter(
        Criteria.single(q, "cursor"),
        count == null ? 100 : count,
        newestFirst,
        c.build(),
        Math.max(from == null ? Long.MIN_VALUE : from, firstPossibleTime(ids)),
        to == null ? Long.MAX_VALUE : to,
        ids);
  }

  /**
   * No entry of these messages is older than this: the time in the oldest id, less a margin (ids
   * without a time in them, or none: no bound).
   */
  private static long firstPossibleTime(Set<String> ids) {
    long first = Long.MAX_VALUE;
    for (String id : ids) {
      long t = Ids.millisOf(id);
      if (t < 0) {
        return Long.MIN_VALUE;
      }
      first = Math.min(first, t);
    }
    return ids.isEmpty() ? Long.MIN_VALUE : first - ID_TIME_MARGIN_MILLIS;
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

  /**
   * No entry before this time (epoch ms, inclusive) matches: {@code fromDate}, or what the message
   * ids allow; {@link Long#MIN_VALUE} when unbounded.
   */
  public long fromTime() {
    return fromTime;
  }

  /** No entry after this time (epoch ms, inclusive) matches; {@link Long#MAX_VALUE}: unbounded. */
  public long toTime() {
    return toTime;
  }

  /** What the query can be narrowed to before {@link #predicate()}: its times and message ids. */
  public LogScope scope() {
    return new LogScope(fromTime, toTime, messageIds);
  }

  public Predicate<LogEntry> predicate() {
    return predicate;
  }
}
