package dev.postbox.core.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.flow.FlowKey;
import dev.postbox.core.group.Endpoint;
import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.EndedMessage;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.message.Redaction;
import dev.postbox.core.publish.DedupRecord;
import dev.postbox.core.queue.Queue;
import dev.postbox.core.queue.QueueRef;
import dev.postbox.core.queue.SlotHolder;
import dev.postbox.core.queue.WaitingEntry;
import dev.postbox.core.schedule.RunState;
import dev.postbox.core.schedule.Schedule;
import dev.postbox.core.schedule.ScheduleRef;
import dev.postbox.core.store.DueRef;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.LogScope;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.Page;
import dev.postbox.core.store.Positioned;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.tenant.SigningKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} must do. Each adapter's test extends this (JobRunr's
 * StorageProviderTest, BookKeeper's KeyValueStorageTest).
 */
public abstract class MessageStoreContract {
  protected MessageStore store;

  protected abstract MessageStore createStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = createStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  protected static Message.Builder aMessage(String tenant, String id) {
    return Message.builder()
        .withTenant(tenant)
        .withId(id)
        .withUrl("http://127.0.0.1:9/" + id)
        .withBody(("body-" + id).getBytes())
        .withCreatedAt(1_000)
        .withNotBefore(1_000)
        .withDueAt(1_000);
  }

  /** A message with every optional field set, to check that storage keeps all of it. */
  protected static Message aFullMessage() {
    return aMessage("t1", "msg_full")
        .withKind(MessageKind.CALLBACK)
        .withTopicName("group")
        .withEndpointName("ep")
        .withQueueName("q")
        .withScheduleId("scd_1")
        .withMethod("PUT")
        .withHeaders(Map.of("Content-Type", List.of("a/b"), "X-Multi", List.of("1", "2")))
        .withBody(new byte[] {0, (byte) 0xff, 10})
        .withMaxRetries(7)
        .withRetryDelayExpression("1000 * retried")
        .withTimeoutMillis(1234)
        .withCallerIp("10.0.0.1")
        .withLabels(List.of("a", "b"))
        .withCallback(
            new CallbackSpec("http://cb", "POST", 5, null, "10", 20, Map.of("X-C", List.of("c"))))
        .withFailureCallback(new CallbackSpec("http://fcb", "PATCH", 0, 4, null, 0, Map.of()))
        .withFlowControl(new FlowControl("key", null, 5, 60))
        .withRedaction(new Redaction(true, false, Set.of("Authorization")))
        .withDeduplicationId("dedup")
        .withRetried(2)
        .withDueAt(99_999)
        .withSourceMessageId("msg_src")
        .build();
  }

  private void commit(StoreBatch b) {
    store.commit(b, Durability.SYNC).join();
  }

  private static void assertSameMessage(Message expected, Message actual) {
    assertArrayEquals(expected.body(), actual.body());
    byte[] same = new byte[0]; // records compare arrays by identity: use one array on both sides
    assertEquals(
        expected.toBuilder().withBody(same).build(), actual.toBuilder().withBody(same).build());
  }

  @Test
  void messagesRoundTripEveryField() {
    Message full = aFullMessage();
    commit(new StoreBatch().putMessage(full));
    assertSameMessage(full, store.findMessage(full.ref()).orElseThrow());
    commit(new StoreBatch().deleteMessage(full.ref()));
    assertTrue(store.findMessage(full.ref()).isEmpty());
  }

  @Test
  void dueIndexIsOrderedByTimeAcrossTenantsAndBounded() {
    MessageRef a = new MessageRef("t1", "a");
    MessageRef b = new MessageRef("t2", "b");
    MessageRef c = new MessageRef("t1", "c");
    commit(new StoreBatch().putDue(300, c).putDue(100, b).putDue(200, a));
    assertEquals(
        List.of(new DueRef(100, b), new DueRef(200, a), new DueRef(300, c)),
        store.scanDue(null, 1000, 10));
    assertEquals(List.of(new DueRef(200, a)), store.scanDue(DueRef.before(150), 250, 10));
    assertEquals(List.of(new DueRef(100, b)), store.scanDue(null, 1000, 1));
    assertEquals(List.of(new DueRef(200, a)), store.scanDue(new DueRef(100, b), 250, 10));
    assertEquals(new DueRef(200, a), store.firstDue(DueRef.before(101)).orElseThrow());
    assertEquals(new DueRef(300, c), store.firstDue(new DueRef(200, a)).orElseThrow());
    assertTrue(store.firstDue(DueRef.before(301)).isEmpty());
    assertEquals(
        List.of(new DueRef(200, a), new DueRef(300, c)),
        store.scanDueFrom(new DueRef(200, a), 1000, 10),
        "from a position, itself included");
    assertEquals(
        List.of(new DueRef(300, c)),
        store.scanDueFrom(new DueRef(200, new MessageRef("t1", "b")), 1000, 10),
        "from a position that is not (or no longer) an entry: what follows it");
    assertEquals(List.of(new DueRef(200, a)), store.scanDueFrom(new DueRef(200, a), 250, 10));
    commit(new StoreBatch().deleteDue(200, a).deleteDue(999, a));
    assertEquals(List.of(new DueRef(100, b), new DueRef(300, c)), store.scanDue(null, 1000, 10));
  }

  @Test
  void dueEntriesKeepTheDeliveryHostWhenGivenOne() {
    Message m = aMessage("t1", "m-host").withUrl("https://API.example:8443/x?y").build();
    MessageRef bare = new MessageRef("t1", "m-bare");
    commit(new StoreBatch().putDue(100, m).putDue(200, bare));
    List<DueRef> due = store.scanDue(null, 1000, 10);
    assertEquals(List.of(new DueRef(100, m.ref()), new DueRef(200, bare)), due);
    assertEquals("api.example:8443", due.get(0).host());
    assertEquals(null, due.get(1).host(), "an entry written without its host (older versions)");
    commit(new StoreBatch().putDue(100, m.toBuilder().withUrl("http://other/").build()));
    assertEquals("other", store.scanDue(null, 150, 10).get(0).host(), "a put replaces the host");
  }

  @Test
  void inFlightMarks() {
    MessageRef a = new MessageRef("t1", "a");
    commit(new StoreBatch().putInFlight(a, 5).putInFlight(new MessageRef("t2", "b"), 6));
    assertEquals(2, store.inFlight().size());
    commit(new StoreBatch().deleteInFlight(a));
    assertEquals(List.of(new MessageRef("t2", "b")), store.inFlight());
  }

  @Test
  void scanMessagesPagesByIdWithAFilterAndStaysInItsTenant() {
    StoreBatch b = new StoreBatch();
    for (String id : List.of("m1", "m2", "m3", "m4")) {
      b.putMessage(
          aMessage("t1", id).withLabels(id.equals("m3") ? List.of("x") : List.of()).build());
    }
    b.putMessage(aMessage("t10", "m0").build()).putMessage(aMessage("t", "m9").build());
    commit(b);
    assertEquals(List.of("m1", "m2"), ids(store.scanMessages("t1", null, 2, m -> true)));
    assertEquals(List.of("m3", "m4"), ids(store.scanMessages("t1", "m2", 10, m -> true)));
    assertEquals(
        List.of("m3"), ids(store.scanMessages("t1", null, 10, m -> m.labels().contains("x"))));
    assertEquals(List.of("m9"), ids(store.scanMessages("t", null, 10, m -> true)));
  }

  private static LogScope range(long from, long to) {
    return new LogScope(from, to, Set.of());
  }

  @Test
  void logsOfSomeMessagesOnly() {
    StoreBatch b = new StoreBatch();
    for (int i = 0; i < 6; i++) {
      b.appendLog(
          LogEntry.of(100 + i, MessageState.CREATED, aMessage("t1", "m" + i % 3).build(), 0));
    }
    commit(b);
    LogScope two = new LogScope(Long.MIN_VALUE, Long.MAX_VALUE, Set.of("m0", "m2"));
    assertEquals(
        List.of(105L, 103L, 102L, 100L),
        times(store.listLogs("t1", null, 10, true, two, e -> true)));
    assertEquals(
        List.of(103L),
        times(
            store.listLogs("t1", null, 10, true, new LogScope(101, 104, Set.of("m0")), e -> true)));
    assertEquals(
        List.of(102L),
        times(store.listLogs("t1", null, 1, false, two, e -> e.message().id().equals("m2"))));
    assertTrue(
        store
            .listLogs(
                "t1",
                null,
                10,
                true,
                new LogScope(Long.MIN_VALUE, Long.MAX_VALUE, Set.of("x")),
                e -> true)
            .items()
            .isEmpty());
  }

  /**
   * Every page of the logs of some messages, as "position time state id", following the cursors; a
   * last page that is empty (a cursor that led to nothing) is left out.
   */
  private List<List<String>> allPages(
      String tenant, int limit, boolean newestFirst, LogScope scope, Predicate<LogEntry> filter) {
    List<List<String>> pages = new ArrayList<>();
    String cursor = null;
    for (int i = 0; i < 10_000; i++) {
      Page<Positioned<LogEntry>> p =
          store.listLogs(tenant, cursor, limit, newestFirst, scope, filter);
      List<String> items = new ArrayList<>();
      for (Positioned<LogEntry> x : p.items()) {
        LogEntry e = x.item();
        items.add(x.position() + " " + e.time() + " " + e.state() + " " + e.message().id());
      }
      if (!items.isEmpty()) {
        assertTrue(items.size() <= limit);
        pages.add(items);
      }
      if (p.nextCursor() == null) {
        return pages;
      }
      assertEquals(p.items().get(p.items().size() - 1).position(), p.nextCursor());
      cursor = p.nextCursor();
    }
    throw new AssertionError("no end of pages");
  }

  @Test
  void logsOfSomeMessagesPageAsAWalkOfTheWholeLogWithTheirIdsAsAFilterDoes() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ids.add(String.format("m%03d", i));
    }
    ids.add("m001\0x"); // a longer id that starts with another and a zero byte
    MessageState[] states = {MessageState.CREATED, MessageState.ACTIVE, MessageState.DELIVERED};
    StoreBatch b = new StoreBatch();
    for (int round = 0; round < states.length; round++) {
      for (int i = 0; i < ids.size(); i++) {
        long time = 1_000 + (round * ids.size() + i) / 3; // three entries a millisecond
        for (String tenant : List.of("t1", "t10")) {
          b.appendLog(LogEntry.of(time, states[round], aMessage(tenant, ids.get(i)).build(), 0));
        }
        if (b.ops().size() >= 200) {
          commit(b);
          b = new StoreBatch();
        }
      }
    }
    commit(b);
    List<Set<String>> idSets =
        List.of(
            Set.of("m001"),
            Set.of("m000", "m150", "m299"),
            Set.of("m001", "m001\0x"),
            Set.of("nope"));
    List<long[]> times =
        List.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, new long[] {1_050, 1_250});
    List<Predicate<LogEntry>> filters =
        List.of(e -> true, e -> e.state() == MessageState.DELIVERED);
    int checked = 0;
    for (Set<String> some : idSets) {
      for (long[] t : times) {
        for (Predicate<LogEntry> filter : filters) {
          for (boolean newestFirst : List.of(true, false)) {
            for (int limit : List.of(1, 2, 5, 1000)) {
              List<List<String>> walked =
                  allPages(
                      "t1",
                      limit,
                      newestFirst,
                      new LogScope(t[0], t[1], Set.of()),
                      e -> some.contains(e.message().id()) && filter.test(e));
              List<List<String>> scoped =
                  allPages("t1", limit, newestFirst, new LogScope(t[0], t[1], some), filter);
              assertEquals(walked, scoped, some + " " + t[0] + " " + newestFirst + " " + limit);
              checked += walked.size();
            }
          }
        }
      }
    }
    assertTrue(checked > 100, "pages compared: " + checked);
    // The entries of m001 in t1 only, oldest first: three, one a round.
    assertEquals(
        List.of(List.of("CREATED", "ACTIVE", "DELIVERED")),
        allPages(
                "t1",
                10,
                false,
                new LogScope(Long.MIN_VALUE, Long.MAX_VALUE, Set.of("m001")),
                e -> true)
            .stream()
            .map(p -> p.stream().map(x -> x.split(" ")[2]).toList())
            .toList());
  }

  @Test
  void logsWithinATimeRangeOnlyInBothDirectionsWithCursors() {
    Message m = aMessage("t1", "m").build();
    StoreBatch b = new StoreBatch();
    for (int i = 0; i < 6; i++) {
      b.appendLog(LogEntry.of(100 + i, MessageState.CREATED, m, 0));
    }
    b.appendLog(LogEntry.of(102, MessageState.CREATED, aMessage("t2", "other").build(), 0));
    commit(b);
    assertEquals(
        List.of(104L, 103L, 102L),
        times(store.listLogs("t1", null, 10, true, range(102, 104), e -> true)));
    assertEquals(
        List.of(102L, 103L, 104L),
        times(store.listLogs("t1", null, 10, false, range(102, 104), e -> true)));
    Page<Positioned<LogEntry>> p1 = store.listLogs("t1", null, 2, true, range(101, 104), e -> true);
    assertEquals(List.of(104L, 103L), times(p1));
    assertEquals(
        List.of(102L, 101L),
        times(store.listLogs("t1", p1.nextCursor(), 2, true, range(101, 104), e -> true)));
    Page<Positioned<LogEntry>> up =
        store.listLogs("t1", null, 2, false, range(101, 104), e -> true);
    assertEquals(List.of(101L, 102L), times(up));
    Page<Positioned<LogEntry>> up2 =
        store.listLogs("t1", up.nextCursor(), 2, false, range(101, 104), e -> true);
    assertEquals(List.of(103L, 104L), times(up2));
    // the range ends there: no cursor, or one that leads to nothing
    assertTrue(
        up2.nextCursor() == null
            || store
                .listLogs("t1", up2.nextCursor(), 2, false, range(101, 104), e -> true)
                .items()
                .isEmpty());
    assertEquals(
        List.of(105L),
        times(store.listLogs("t1", null, 10, true, range(105, Long.MAX_VALUE), e -> true)));
    assertEquals(
        List.of(100L),
        times(store.listLogs("t1", null, 10, true, range(Long.MIN_VALUE, 100), e -> true)));
    assertTrue(store.listLogs("t1", null, 10, true, range(200, 300), e -> true).items().isEmpty());
    // a cursor of a walk over everything, then a range
    Page<Positioned<LogEntry>> newest = store.listLogs("t1", null, 1, true, e -> true);
    assertEquals(
        List.of(104L, 103L),
        times(store.listLogs("t1", newest.nextCursor(), 10, true, range(103, 104), e -> true)));
    assertEquals(
        List.of(103L),
        times(store.listLogs("t1", null, 10, true, range(102, 104), e -> e.time() == 103)));
  }

  @Test
  void logsPageInBothDirectionsWithCursors() {
    Message m = aMessage("t1", "m").build();
    StoreBatch b = new StoreBatch();
    for (int i = 0; i < 5; i++) {
      b.appendLog(LogEntry.of(100 + i, MessageState.values()[i], m, 0));
    }
    b.appendLog(LogEntry.of(100, MessageState.CREATED, aMessage("t2", "other").build(), 0));
    commit(b);
    Page<Positioned<LogEntry>> p1 = store.listLogs("t1", null, 2, true, e -> true);
    assertEquals(List.of(104L, 103L), times(p1));
    Page<Positioned<LogEntry>> p2 = store.listLogs("t1", p1.nextCursor(), 2, true, e -> true);
    assertEquals(List.of(102L, 101L), times(p2));
    Page<Positioned<LogEntry>> p3 = store.listLogs("t1", p2.nextCursor(), 2, true, e -> true);
    assertEquals(List.of(100L), times(p3));
    assertNull(p3.nextCursor());
    Page<Positioned<LogEntry>> asc = store.listLogs("t1", null, 3, false, e -> true);
    assertEquals(List.of(100L, 101L, 102L), times(asc));
    assertEquals(
        List.of(103L, 104L), times(store.listLogs("t1", asc.nextCursor(), 3, false, e -> true)));
    assertEquals(
        List.of(102L),
        times(store.listLogs("t1", null, 10, true, e -> e.state() == MessageState.values()[2])));
    assertNull(store.listLogs("t1", null, 5, true, e -> true).nextCursor());
    assertEquals(1, store.listLogs("t2", null, 10, true, e -> true).items().size());
    // An unparsable cursor starts from the beginning.
    assertEquals(5, store.listLogs("t1", "garbage", 10, true, e -> true).items().size());
    store.expireLogs("t1", 103);
    assertEquals(List.of(104L, 103L), times(store.listLogs("t1", null, 10, true, e -> true)));
    assertEquals(1, store.listLogs("t2", null, 10, true, e -> true).items().size());
  }

  @Test
  void logEntriesKeepTheirResponse() {
    LogEntry e =
        new LogEntry(
            7,
            MessageState.ERROR,
            aFullMessage(),
            "boom",
            0,
            500,
            Map.of("X-R", List.of("r")),
            new byte[] {1, 2});
    commit(new StoreBatch().appendLog(e));
    LogEntry got = store.listLogs("t1", null, 1, true, x -> true).items().get(0).item();
    assertEquals("boom", got.error());
    assertEquals(500, got.responseStatus());
    assertEquals(Map.of("X-R", List.of("r")), got.responseHeaders());
    assertArrayEquals(new byte[] {1, 2}, got.responseBody());
    assertSameMessage(aFullMessage(), got.message());
  }

  @Test
  void dlqPutFindListDeleteExpire() {
    StoreBatch b = new StoreBatch();
    for (int i = 0; i < 3; i++) {
      b.putDlq(dlq("t1", (1000 + i) + "-0", i));
    }
    b.putDlq(dlq("t2", "1000-0", 9));
    commit(b);
    assertEquals(500, store.findDlq("t1", "1001-0").orElseThrow().responseStatus());
    assertTrue(store.findDlq("t1", "nope").isEmpty());
    assertTrue(store.findDlq("t1", "5-5").isEmpty());
    Page<DlqEntry> first = store.listDlq("t1", null, 2, false, e -> true);
    assertEquals(List.of("1000-0", "1001-0"), dlqIds(first.items()));
    assertEquals(
        List.of("1002-0"),
        dlqIds(store.listDlq("t1", first.nextCursor(), 2, false, e -> true).items()));
    assertEquals(
        List.of("1002-0", "1001-0"), dlqIds(store.listDlq("t1", null, 2, true, e -> true).items()));
    commit(new StoreBatch().deleteDlq("t1", "1001-0").deleteDlq("t1", "garbage"));
    assertEquals(
        List.of("1000-0", "1002-0"),
        dlqIds(store.listDlq("t1", null, 10, false, e -> true).items()));
    store.expireDlq("t1", 1001);
    assertEquals(
        List.of("1002-0"), dlqIds(store.listDlq("t1", null, 10, false, e -> true).items()));
    assertEquals(1, store.listDlq("t2", null, 10, false, e -> true).items().size());
  }

  @Test
  void signingKeys() {
    assertTrue(store.findSigningKeys("t1").isEmpty());
    commit(new StoreBatch().putSigningKeys("t1", new SigningKeys("c", "n")));
    assertEquals(new SigningKeys("c", "n"), store.findSigningKeys("t1").orElseThrow());
    assertTrue(store.findSigningKeys("t2").isEmpty());
  }

  @Test
  void tenantsThatArePrefixesOfEachOtherStaySeparate() {
    commit(
        new StoreBatch()
            .putMessage(aMessage("a", "x").build())
            .putMessage(aMessage("ab", "x").withMethod("PUT").build()));
    assertEquals("POST", store.findMessage(new MessageRef("a", "x")).orElseThrow().method());
    assertEquals("PUT", store.findMessage(new MessageRef("ab", "x")).orElseThrow().method());
    assertEquals(1, store.scanMessages("a", null, 10, m -> true).size());
    assertTrue(store.findMessage(new MessageRef("b", "x")).isEmpty());
  }

  @Test
  void commitsApplyInOrderAndCompleteInOrderWithinEachDurability() {
    List<Integer> syncOrder = new ArrayList<>();
    List<Integer> asyncOrder = new ArrayList<>();
    List<String> notYetVisible = new ArrayList<>();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      boolean sync = i % 2 == 0;
      all.add(
          store
              .commit(
                  new StoreBatch().putMessage(aMessage("t1", "o" + i).build()),
                  sync ? Durability.SYNC : Durability.ASYNC)
              .thenRun(
                  () -> {
                    synchronized (syncOrder) {
                      (sync ? syncOrder : asyncOrder).add(n);
                      // Everything submitted before it is applied (visible) by now.
                      for (int k = 0; k <= n; k++) {
                        if (store.findMessage(new MessageRef("t1", "o" + k)).isEmpty()) {
                          notYetVisible.add("o" + k + " when o" + n + " completed");
                        }
                      }
                    }
                  }));
    }
    all.forEach(CompletableFuture::join);
    List<Integer> sorted = new ArrayList<>(syncOrder);
    sorted.sort(null);
    assertEquals(sorted, syncOrder);
    sorted = new ArrayList<>(asyncOrder);
    sorted.sort(null);
    assertEquals(sorted, asyncOrder);
    assertEquals(25, syncOrder.size());
    assertEquals(List.of(), notYetVisible);
  }

  private static DlqEntry dlq(String tenant, String id, int n) {
    return new DlqEntry(
        id,
        aMessage(tenant, "m" + n).build(),
        Long.parseLong(id.split("-")[0]),
        500,
        Map.of(),
        "x".getBytes(),
        null);
  }

  private static List<String> ids(List<Message> ms) {
    List<String> out = new ArrayList<>();
    ms.forEach(m -> out.add(m.id()));
    return out;
  }

  private static List<String> dlqIds(List<DlqEntry> es) {
    List<String> out = new ArrayList<>();
    es.forEach(e -> out.add(e.dlqId()));
    return out;
  }

  private static List<Long> times(Page<Positioned<LogEntry>> p) {
    List<Long> out = new ArrayList<>();
    p.items().forEach(x -> out.add(x.item().time()));
    return out;
  }

  @Test
  void schedulesAreStoredPerTenantWithTheirRunStates() {
    Schedule a =
        new Schedule(
            "t1", "a", "*/5 * * * *", aFullMessage(), 2_000, 10, false, 0, 300_000, List.of());
    Schedule b =
        new Schedule(
            "t1",
            "b",
            "0 0 * * 1",
            aMessage("t1", "b").build(),
            0,
            20,
            true,
            120_000,
            180_000,
            List.of("msg_1", "msg_2"));
    Schedule other =
        new Schedule(
            "t2",
            "a",
            "* * * * *",
            aMessage("t2", "a").build(),
            0,
            30,
            false,
            0,
            60_000,
            List.of());
    ScheduleRef ra = new ScheduleRef("t1", "a");
    store
        .commit(new StoreBatch().putSchedule(a).putSchedule(b).putSchedule(other), Durability.SYNC)
        .join();

    Schedule read = store.findSchedule(ra).orElseThrow();
    assertEquals(a.cron(), read.cron());
    assertEquals(a.delayMillis(), read.delayMillis());
    assertEquals(a.nextScheduleTime(), read.nextScheduleTime());
    assertEquals(a.template().url(), read.template().url());
    assertArrayEquals(a.template().body(), read.template().body());
    assertEquals(a.template().callback(), read.template().callback());
    Schedule readB = store.findSchedule(new ScheduleRef("t1", "b")).orElseThrow();
    assertTrue(readB.paused());
    assertEquals(List.of("msg_1", "msg_2"), readB.lastMessageIds());
    assertEquals(120_000, readB.lastScheduleTime());
    assertTrue(store.findSchedule(new ScheduleRef("t3", "a")).isEmpty());

    assertEquals(
        List.of("a", "b"), store.scanSchedules("t1", null, 10).stream().map(Schedule::id).toList());
    assertEquals(
        List.of("b"), store.scanSchedules("t1", ra, 10).stream().map(Schedule::id).toList());
    assertEquals(
        List.of("t2"), store.scanSchedules("t2", null, 10).stream().map(Schedule::tenant).toList());
    assertEquals(3, store.scanSchedules(null, null, 10).size());
    assertEquals(1, store.scanSchedules(null, null, 1).size());

    store
        .commit(
            new StoreBatch()
                .putRunState(ra, "msg_1", RunState.SUCCESS)
                .putRunState(ra, "msg_2", RunState.FAIL),
            Durability.SYNC)
        .join();
    assertEquals(Map.of("msg_1", RunState.SUCCESS, "msg_2", RunState.FAIL), store.runStates(ra));
    assertTrue(store.runStates(new ScheduleRef("t1", "b")).isEmpty());
    store
        .commit(new StoreBatch().deleteRunState(ra, "msg_1").deleteSchedule(ra), Durability.SYNC)
        .join();
    assertEquals(Map.of("msg_2", RunState.FAIL), store.runStates(ra));
    assertTrue(store.findSchedule(ra).isEmpty());
    assertEquals(2, store.scanSchedules(null, null, 10).size());
  }

  @Test
  void urlGroupsArePerTenant() {
    UrlGroup g =
        new UrlGroup(
            "t1",
            "orders",
            10,
            20,
            List.of(
                new Endpoint("first", "https://a.example"), new Endpoint(null, "http://b/x?y=1")));
    UrlGroup other = new UrlGroup("t2", "orders", 30, 30, List.of(new Endpoint(null, "http://c")));
    UrlGroup second =
        new UrlGroup("t1", "billing", 40, 40, List.of(new Endpoint(null, "http://d")));
    store
        .commit(new StoreBatch().putGroup(g).putGroup(other).putGroup(second), Durability.SYNC)
        .join();
    assertEquals(g, store.findGroup("t1", "orders").orElseThrow());
    assertEquals(other, store.findGroup("t2", "orders").orElseThrow());
    assertTrue(store.findGroup("t3", "orders").isEmpty());
    assertEquals(
        List.of("billing", "orders"), store.listGroups("t1").stream().map(UrlGroup::name).toList());
    store.commit(new StoreBatch().deleteGroup("t1", "orders"), Durability.SYNC).join();
    assertTrue(store.findGroup("t1", "orders").isEmpty());
    assertEquals(1, store.listGroups("t2").size());
  }

  @Test
  void dedupRecordsLiveUntilTheirWindowEnds() {
    DedupRecord a =
        new DedupRecord(
            "t1", "order-1", 1_000, List.of(new DedupRecord.Accepted("msg_a", "http://a")));
    DedupRecord b =
        new DedupRecord(
            "t1",
            "order-2",
            5_000,
            List.of(
                new DedupRecord.Accepted("msg_b1", "http://b1"),
                new DedupRecord.Accepted("msg_b2", "http://b2")));
    DedupRecord other = new DedupRecord("t2", "order-1", 1_000, List.of());
    store.commit(new StoreBatch().putDedup(a).putDedup(b).putDedup(other), Durability.SYNC).join();
    assertEquals(a, store.findDedup("t1", "order-1").orElseThrow());
    assertEquals(b, store.findDedup("t1", "order-2").orElseThrow());
    assertTrue(store.findDedup("t3", "order-1").isEmpty());

    assertEquals(1, store.expireDedup("t1", 2_000));
    assertTrue(store.findDedup("t1", "order-1").isEmpty());
    assertTrue(store.findDedup("t1", "order-2").isPresent());
    assertTrue(store.findDedup("t2", "order-1").isPresent(), "other tenants are untouched");

    // An id used again after its window: the new record outlives the old index entry.
    DedupRecord again = new DedupRecord("t1", "order-2", 9_000, List.of());
    store.commit(new StoreBatch().putDedup(again), Durability.SYNC).join();
    assertEquals(0, store.expireDedup("t1", 6_000));
    assertEquals(again, store.findDedup("t1", "order-2").orElseThrow());
    assertEquals(1, store.expireDedup("t1", 10_000));
    assertTrue(store.findDedup("t1", "order-2").isEmpty());
  }

  @Test
  void endedMessagesAreReadableUntilTheirRecordsExpire() {
    Message full = aFullMessage();
    Message later = aMessage("t1", "msg_later").build();
    Message other = aMessage("t2", full.id()).build();
    commit(new StoreBatch().putMessage(full).putMessage(later).putMessage(other));
    commit(
        new StoreBatch().finishMessage(full, false).putEnded(full, MessageState.DELIVERED, 5_000));
    commit(
        new StoreBatch()
            .finishMessage(later, false)
            .putEnded(later, MessageState.CANCELED, 8_000)
            .finishMessage(other, false)
            .putEnded(other, MessageState.FAILED, 1_000));

    assertTrue(store.findMessage(full.ref()).isEmpty(), "the record went in the same batch");
    EndedMessage e = store.findEnded(full.ref()).orElseThrow();
    assertEquals(MessageState.DELIVERED, e.state());
    assertEquals(5_000, e.endedAt());
    assertSameMessage(full, e.message());
    assertEquals(MessageState.FAILED, store.findEnded(other.ref()).orElseThrow().state());
    assertTrue(store.findEnded(new MessageRef("t3", full.id())).isEmpty());
    assertTrue(store.findEnded(new MessageRef("t1", "msg_never")).isEmpty());

    assertEquals(0, store.expireEnded("t1", 5_000), "only those that ended before");
    assertEquals(1, store.expireEnded("t1", 5_001));
    assertTrue(store.findEnded(full.ref()).isEmpty());
    assertTrue(store.findEnded(later.ref()).isPresent());
    assertTrue(store.findEnded(other.ref()).isPresent(), "other tenants are untouched");

    // Ended again later (a record written after the old index entry): the new one stays.
    commit(new StoreBatch().putEnded(later, MessageState.DELIVERED, 9_000));
    assertEquals(0, store.expireEnded("t1", 8_500));
    assertEquals(9_000, store.findEnded(later.ref()).orElseThrow().endedAt());
    assertEquals(1, store.expireEnded("t1", 10_000));
    assertTrue(store.findEnded(later.ref()).isEmpty());
    assertEquals(1, store.expireEnded("t2", 10_000));
  }

  @Test
  void anEndedMessageKeepsALargeBodyWhileItsLogsExpire() {
    byte[] body = new byte[4096];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) (i * 31);
    }
    Message m = aMessage("t1", "msg_large").withBody(body).build();
    commit(new StoreBatch().putNewMessage(m));
    commit(
        new StoreBatch()
            .finishMessage(m, false)
            .appendLog(LogEntry.of(2_000, MessageState.DELIVERED, m.withoutBody(), 0))
            .putEnded(m, MessageState.DELIVERED, 2_000));
    store.expireLogs("t1", 3_000); // the CREATED entry that carried the body goes
    assertTrue(store.listLogs("t1", null, 10, true, x -> true).items().isEmpty());
    assertArrayEquals(body, store.findEnded(m.ref()).orElseThrow().message().body());
    assertEquals(1, store.expireEnded("t1", 3_000));
    store.expireLogs("t1", 3_000);
    assertTrue(store.findEnded(m.ref()).isEmpty());
  }

  @Test
  void queuesKeepWaitingMessagesInCommitOrderAndTrackSlots() {
    Queue q = new Queue("t1", "jobs", 1, 2, 3, true);
    store.commit(new StoreBatch().putQueue(q), Durability.SYNC).join();
    store
        .commit(new StoreBatch().putQueue(new Queue("t2", "jobs", 1, 1, 1, false)), Durability.SYNC)
        .join();
    assertEquals(q, store.findQueue("t1", "jobs").orElseThrow());
    assertEquals(List.of(q), store.listQueues("t1"));
    assertEquals(2, store.listQueues(null).size());

    for (int i = 0; i < 3; i++) {
      Message m = aMessage("t1", "m" + i).withQueueName("jobs").withDueAt(100 + i).build();
      store.commit(new StoreBatch().putNewMessage(m), Durability.SYNC).join();
    }
    List<WaitingEntry> waiting = store.scanWaiting("t1", "jobs", -1, 10);
    assertEquals(List.of("m0", "m1", "m2"), waiting.stream().map(WaitingEntry::messageId).toList());
    assertTrue(waiting.get(0).seq() < waiting.get(1).seq());
    assertEquals(101, waiting.get(1).dueAt());
    assertTrue(store.scanDue(null, Long.MAX_VALUE, 10).isEmpty(), "waiting is not due");
    assertEquals(
        List.of("m2"),
        store.scanWaiting("t1", "jobs", waiting.get(1).seq(), 10).stream()
            .map(WaitingEntry::messageId)
            .toList());
    assertEquals(waiting.get(1), store.findWaiting("t1", "m1").orElseThrow());
    assertTrue(store.scanWaiting("t2", "jobs", -1, 10).isEmpty());
    assertEquals(Map.of(new QueueRef("t1", "jobs"), 3L), store.waitingCounts());

    store
        .commit(
            new StoreBatch().promoteQueued(waiting.get(0)).deleteQueued(waiting.get(2)),
            Durability.SYNC)
        .join();
    assertEquals(
        List.of(new DueRef(100, new MessageRef("t1", "m0"))),
        store.scanDue(null, Long.MAX_VALUE, 10));
    assertEquals(List.of(new SlotHolder("t1", "jobs", "m0", "m0")), store.slotHolders());
    assertTrue(store.findWaiting("t1", "m0").isEmpty());
    assertTrue(store.findWaiting("t1", "m2").isEmpty());
    assertEquals(Map.of(new QueueRef("t1", "jobs"), 1L), store.waitingCounts());

    // m0 hands its slot to its callback, which gives it back when it ends.
    Message callback =
        aMessage("t1", "cb0")
            .withKind(MessageKind.CALLBACK)
            .withQueueName("jobs")
            .withSourceMessageId("m0")
            .build();
    Message m0 = store.findMessage(new MessageRef("t1", "m0")).orElseThrow();
    store
        .commit(new StoreBatch().finishMessage(m0, true).putNewMessage(callback), Durability.SYNC)
        .join();
    assertEquals(List.of(new SlotHolder("t1", "jobs", "cb0", "m0")), store.slotHolders());
    store.commit(new StoreBatch().finishMessage(callback, true), Durability.SYNC).join();
    assertTrue(store.slotHolders().isEmpty());

    store.commit(new StoreBatch().deleteQueue("t1", "jobs"), Durability.SYNC).join();
    assertTrue(store.findQueue("t1", "jobs").isEmpty());
  }

  @Test
  void flowKeysAreFoundByTenantAndKey() {
    FlowKey k = FlowKey.declared("t1", new FlowControl("user-1", 2, 10, 60)).withPaused(true);
    store.commit(new StoreBatch().putFlowKey(k), Durability.SYNC).join();
    assertEquals(Optional.of(k), store.findFlowKey("t1", "user-1"));
    assertTrue(store.findFlowKey("t2", "user-1").isEmpty());
    assertTrue(store.findFlowKey("t1", "user-2").isEmpty());
    assertEquals(List.of(k), store.listFlowKeys());
  }
}
