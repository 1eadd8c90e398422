package dev.postbox.core.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FiltersTest {
  private static Map<String, List<String>> q(String... kv) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.computeIfAbsent(kv[i], k -> new ArrayList<>()).add(kv[i + 1]);
    }
    return m;
  }

  private static Message msg(String url, String... labels) {
    return Message.builder()
        .withTenant("t")
        .withId("m")
        .withUrl(url)
        .withLabels(List.of(labels))
        .withCreatedAt(1000)
        .withFlowControl(new FlowControl("fk", 1, null, 1))
        .build();
  }

  @Test
  void messageFilterModesAndMatching() {
    MessageFilter ids = MessageFilter.parse(q("messageIds", "a", "messageIds", "b,c"));
    assertEquals(Set.of("a", "b", "c"), ids.messageIds());
    MessageFilter f =
        MessageFilter.parse(q("host", "example.com", "path", "/x", "label", "l1,l2", "count", "5"));
    assertEquals(5, f.count());
    assertTrue(f.predicate().test(msg("https://Example.com/x?y=1", "l2")));
    assertFalse(f.predicate().test(msg("https://example.org/x", "l2")));
    assertFalse(f.predicate().test(msg("https://example.com/x", "other")));
    assertTrue(MessageFilter.parse(q("flowControlKey", "fk")).predicate().test(msg("http://a/")));
    assertTrue(
        MessageFilter.parse(q("fromDate", "1000", "toDate", "1000"))
            .predicate()
            .test(msg("http://a/")));
    assertFalse(MessageFilter.parse(q("fromDate", "1001")).predicate().test(msg("http://a/")));
    assertNull(MessageFilter.parse(q()).count());
    assertThrows(InvalidRequestException.class, () -> MessageFilter.parse(q("bogus", "1")));
    assertThrows(InvalidRequestException.class, () -> MessageFilter.parse(q("count", "501")));
    assertThrows(
        InvalidRequestException.class, () -> MessageFilter.parse(q("fromDate", "yesterday")));
  }

  @Test
  void urlValuesSplitOnlyBeforeAnotherUrl() {
    MessageFilter f = MessageFilter.parse(q("url", "https://a.com/x?p=1,2,https://b.com/"));
    assertTrue(f.predicate().test(msg("https://a.com/x?p=1,2")));
    assertTrue(f.predicate().test(msg("https://b.com/")));
  }

  @Test
  void logFilterDefaultsStatesAndOrder() {
    LogFilter d = LogFilter.parse(q());
    assertEquals(100, d.count());
    assertTrue(d.newestFirst());
    LogFilter f =
        LogFilter.parse(q("state", "IN_PROGRESS", "order", "earliestFirst", "whatever", "x"));
    assertFalse(f.newestFirst());
    Message m = msg("http://a/");
    assertTrue(f.predicate().test(LogEntry.of(1, MessageState.RETRY, m, 0)));
    assertFalse(f.predicate().test(LogEntry.of(1, MessageState.DELIVERED, m, 0)));
    assertTrue(
        LogFilter.parse(q("state", "CANCELLED"))
            .predicate()
            .test(LogEntry.of(1, MessageState.CANCELED, m, 0)));
    assertTrue(
        LogFilter.parse(q("messageId", "m"))
            .predicate()
            .test(LogEntry.of(1, MessageState.CREATED, m, 0)));
    assertThrows(InvalidRequestException.class, () -> LogFilter.parse(q("state", "NOPE")));
    assertThrows(InvalidRequestException.class, () -> LogFilter.parse(q("count", "1001")));
    assertThrows(InvalidRequestException.class, () -> LogFilter.parse(q("order", "random")));
  }

  @Test
  void logFilterTimeRangeFromTheDatesAndTheMessageIds() {
    LogFilter none = LogFilter.parse(q());
    assertEquals(Long.MIN_VALUE, none.fromTime());
    assertEquals(Long.MAX_VALUE, none.toTime());
    LogFilter dates = LogFilter.parse(q("fromDate", "1000", "toDate", "2000"));
    assertEquals(1000, dates.fromTime());
    assertEquals(2000, dates.toTime());
    String older = Ids.messageId();
    String newer = Ids.messageId();
    long first = Ids.millisOf(older) - LogFilter.ID_TIME_MARGIN_MILLIS;
    assertEquals(first, LogFilter.parse(q("messageIds", newer, "messageIds", older)).fromTime());
    assertEquals(first, LogFilter.parse(q("messageId", older, "fromDate", "5")).fromTime());
    assertEquals(
        Long.MAX_VALUE - 1,
        LogFilter.parse(q("messageId", older, "fromDate", String.valueOf(Long.MAX_VALUE - 1)))
            .fromTime());
    // an id without a time in it (not made by this server): no bound
    assertEquals(
        Long.MIN_VALUE, LogFilter.parse(q("messageIds", older, "messageIds", "m")).fromTime());
  }

  @Test
  void dlqFilterIsStrict() {
    DlqFilter f = DlqFilter.parse(q("responseStatus", "500,502", "label", "x"), true);
    DlqEntry e = new DlqEntry("1-0", msg("http://a/", "x"), 5, 502, Map.of(), null, null);
    assertTrue(f.predicate().test(e));
    assertFalse(DlqFilter.parse(q("responseStatus", "404"), true).predicate().test(e));
    assertFalse(f.newestFirst());
    assertEquals(100, f.count());
    assertEquals(
        Set.of("d1", "d2"), DlqFilter.parse(q("dlqIds", "d1", "dlqIds", "d2"), false).dlqIds());
    assertThrows(InvalidRequestException.class, () -> DlqFilter.parse(q("labeel", "x"), false));
    assertThrows(InvalidRequestException.class, () -> DlqFilter.parse(q("host", "a.com"), true));
    assertThrows(InvalidRequestException.class, () -> DlqFilter.parse(q("count", "101"), true));
    assertEquals(500, DlqFilter.parse(q("count", "500"), false).count());
    assertThrows(InvalidRequestException.class, () -> DlqFilter.parse(q("dlqIds", ""), false));
    assertEquals(100, DlqFilter.parse(q("label", ""), true).count(), "listing ignores blanks");
  }
}
