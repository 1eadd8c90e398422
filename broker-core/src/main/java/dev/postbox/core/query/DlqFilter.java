package dev.postbox.core.query;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.DlqEntry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Parameters of the DLQ list and bulk endpoints (docs/api.md#dlq). Strict: {@code host} and {@code
 * path} are not supported on the DLQ, and any unknown parameter is an error.
 */
public final class DlqFilter {
  private static final Set<String> KNOWN =
      Set.of(
          "cursor",
          "count",
          "order",
          "dlqIds",
          "messageId",
          "url",
          "topicName",
          "urlGroup",
          "scheduleId",
          "queueName",
          "label",
          "flowControlKey",
          "callerIp",
          "callerIP",
          "responseStatus",
          "fromDate",
          "toDate",
          "api");

  private final Set<String> dlqIds;
  private final String cursor;
  private final int count;
  private final boolean newestFirst;
  private final Predicate<DlqEntry> predicate;

  private DlqFilter(
      Set<String> ids, String cursor, int count, boolean newestFirst, Predicate<DlqEntry> p) {
    this.dlqIds = ids;
    this.cursor = cursor;
    this.count = count;
    this.newestFirst = newestFirst;
    this.predicate = p;
  }

  /**
   * @param forList true for {@code GET /v2/dlq} (count ≤ 100, order allowed); false for bulk delete
   *     and retry (count ≤ 1000)
   */
  public static DlqFilter parse(Map<String, List<String>> q, boolean forList) {
    for (String unsupported : List.of("host", "path")) {
      if (q.containsKey(unsupported)) {
        throw new InvalidRequestException(
            "the " + unsupported + " filter is not supported on the DLQ");
      }
    }
    Criteria.rejectUnknown(q, KNOWN, "the DLQ");
    if (!forList) {
      Criteria.rejectBlank(q, "DLQ bulk delete/retry");
    }
    Integer count = Criteria.integer(q, "count", 1, forList ? 100 : 1000);
    boolean newestFirst = Criteria.newestFirst(q, false);
    Criteria<DlqEntry> c =
        new Criteria<DlqEntry>(q, DlqEntry::message).common().timeRange(DlqEntry::failedAt);
    String messageId = Criteria.single(q, "messageId");
    if (messageId != null) {
      c.add(e -> e.message().id().equals(messageId));
    }
    Set<Integer> statuses = new HashSet<>();
    for (String s : Criteria.values(q, "responseStatus")) {
      try {
        statuses.add(Integer.parseInt(s));
      } catch (NumberFormatException e) {
        throw new InvalidRequestException("invalid responseStatus: \"" + s + "\"");
      }
    }
    if (!statuses.isEmpty()) {
      c.add(e -> statuses.contains(e.responseStatus()));
    }
    return new DlqFilter(
        Criteria.set(q, "dlqIds"),
        Criteria.single(q, "cursor"),
        count == null ? 100 : count,
        newestFirst,
        c.build());
  }

  public Set<String> dlqIds() {
    return dlqIds;
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

  public Predicate<DlqEntry> predicate() {
    return predicate;
  }
}
