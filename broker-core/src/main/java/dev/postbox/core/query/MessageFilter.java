package dev.postbox.core.query;

import dev.postbox.core.message.Message;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Selection of {@code DELETE /v2/messages} (docs/api.md#messages): explicit {@code messageIds}, or
 * filters, or (neither) all pending messages; {@code count} 1..500. Unknown parameters are
 * rejected.
 */
public final class MessageFilter {
  private static final Set<String> KNOWN =
      Set.of(
          "messageIds",
          "topicName",
          "urlGroup",
          "queueName",
          "url",
          "host",
          "path",
          "label",
          "flowControlKey",
          "scheduleId",
          "callerIp",
          "callerIP",
          "fromDate",
          "toDate",
          "count");

  private final Set<String> messageIds;
  private final Predicate<Message> predicate;
  private final Integer count;

  private MessageFilter(Set<String> ids, Predicate<Message> predicate, Integer count) {
    this.messageIds = ids;
    this.predicate = predicate;
    this.count = count;
  }

  public static MessageFilter parse(Map<String, List<String>> query) {
    Criteria.rejectUnknown(query, KNOWN, "DELETE /v2/messages");
    Criteria.rejectBlank(query, "DELETE /v2/messages");
    Set<String> ids = Criteria.set(query, "messageIds");
    Integer count = Criteria.integer(query, "count", 1, 500);
    Predicate<Message> p =
        new Criteria<Message>(query, m -> m)
            .common()
            .host()
            .path()
            .timeRange(Message::createdAt)
            .build();
    return new MessageFilter(ids, p, count);
  }

  /** Explicit ids (the other filters are then ignored), or empty. */
  public Set<String> messageIds() {
    return messageIds;
  }

  public Predicate<Message> predicate() {
    return predicate;
  }

  /** The requested count, or null for "all matching" (the caller caps it). */
  public Integer count() {
    return count;
  }
}
