package dev.postbox.core.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.Page;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.workflow.FailureCall;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.Invoker;
import dev.postbox.core.workflow.RunConfig;
import dev.postbox.core.workflow.RunEnd;
import dev.postbox.core.workflow.RunListing;
import dev.postbox.core.workflow.WorkflowRun;
import dev.postbox.core.workflow.WorkflowState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} must do with workflow runs and histories. Kept apart from {@link
 * MessageStoreContract} so each adapter test that wants it extends it explicitly.
 */
public abstract class WorkflowStoreContract {
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

  protected static WorkflowRun aRun(String tenant, String id) {
    RunConfig config =
        new RunConfig(
            2,
            "1000 * retried",
            new FlowControl("fk", 3, null, 1),
            new CallbackSpec("http://app/fail", "POST", 0, null, null, 0, Map.of()),
            Map.of("X-User", List.of("u")),
            "lbl");
    return new WorkflowRun(tenant, id, "http://app/wf", 1000, "msg_t", 1, true, config, null);
  }

  private static HistoryEntry entry(String tenant, String run, long seq, String body) {
    return new HistoryEntry(
        tenant, run, seq, "msg_" + seq, body.getBytes(StandardCharsets.UTF_8), "step");
  }

  private void commit(StoreBatch b) {
    store.commit(b, Durability.SYNC).join();
  }

  @Test
  void aRunIsStoredWithItsMessageAndFirstEntryInOneWrite() {
    Message m = Message.builder().withTenant("t1").withId("msg_0").withUrl("http://app/wf").build();
    commit(
        new StoreBatch()
            .putWorkflowRun(aRun("t1", "r1"))
            .putHistoryEntry(entry("t1", "r1", 0, "payload"))
            .putNewMessage(m));
    assertEquals(aRun("t1", "r1"), store.findRun("t1", "r1").orElseThrow());
    assertTrue(store.findMessage(new MessageRef("t1", "msg_0")).isPresent());
    assertEquals(1, store.nextHistorySeq("t1", "r1"));
    assertTrue(store.findRun("t2", "r1").isEmpty(), "runs are per tenant");
  }

  @Test
  void aRunKeepsTheRunThatInvokedItAndWhetherTheServerTriggeredIt() {
    Invoker invoker =
        new Invoker(
            "http://app/parent",
            "wfr_parent",
            999,
            Map.of("Upstash-Workflow-RunId", List.of("wfr_parent")),
            "{\"stepId\":2,\"stepName\":\"call child\",\"stepType\":\"Invoke\"}");
    WorkflowRun invoked = aRun("t1", "child").withInvoker(invoker);
    WorkflowRun triggered =
        new WorkflowRun(
            "t1",
            "rest",
            "http://app/wf",
            1,
            "msg_r",
            0,
            true,
            aRun("t1", "x").config(),
            null,
            null,
            true);
    commit(new StoreBatch().putWorkflowRun(invoked).putWorkflowRun(triggered));
    assertEquals(invoked, store.findRun("t1", "child").orElseThrow());
    assertEquals(triggered, store.findRun("t1", "rest").orElseThrow());
  }

  @Test
  void historyIsReadInSeqOrderUpToAPlace() {
    commit(new StoreBatch().putWorkflowRun(aRun("t1", "r1")));
    for (long seq : new long[] {0, 2, 1, 10}) {
      commit(new StoreBatch().putHistoryEntry(entry("t1", "r1", seq, "b" + seq)));
    }
    commit(new StoreBatch().putHistoryEntry(entry("t1", "r10", 0, "other run")));
    List<HistoryEntry> all = store.readHistory("t1", "r1", Long.MAX_VALUE);
    assertEquals(List.of(0L, 1L, 2L, 10L), all.stream().map(HistoryEntry::seq).toList());
    assertArrayEquals("b2".getBytes(StandardCharsets.UTF_8), all.get(2).body());
    assertEquals("msg_1", all.get(1).messageId());
    assertEquals(3, store.readHistory("t1", "r1", 2).size());
    assertEquals(11, store.nextHistorySeq("t1", "r1"));
    assertEquals(0, store.nextHistorySeq("t1", "r2"));
    assertEquals(List.of(), store.readHistory("t2", "r1", Long.MAX_VALUE));
  }

  @Test
  void anEndIsMergedIntoItsRun() {
    commit(new StoreBatch().putWorkflowRun(aRun("t1", "r1")));
    RunEnd end =
        new RunEnd(
            WorkflowState.RUN_SUCCESS, 5000, "\"ok\"".getBytes(StandardCharsets.UTF_8), null);
    commit(new StoreBatch().putWorkflowRunEnd("t1", "r1", end));
    WorkflowRun r = store.findRun("t1", "r1").orElseThrow();
    assertEquals(WorkflowState.RUN_SUCCESS, r.state());
    assertEquals(5000, r.end().completedAt());
    assertArrayEquals(end.response(), r.end().response());
    assertEquals(aRun("t1", "r1"), r.started());
  }

  @Test
  void runsAreScannedInIdOrderWithTheirEnds() {
    for (String id : new String[] {"b", "a", "c", "ab"}) {
      commit(new StoreBatch().putWorkflowRun(aRun("t1", id)));
    }
    commit(new StoreBatch().putWorkflowRun(aRun("t2", "z")));
    commit(
        new StoreBatch()
            .putWorkflowRunEnd("t1", "ab", new RunEnd(WorkflowState.RUN_CANCELED, 1, null, null)));
    List<WorkflowRun> all = store.scanRuns("t1", null, 10, r -> true);
    assertEquals(List.of("a", "ab", "b", "c"), all.stream().map(WorkflowRun::id).toList());
    assertEquals(WorkflowState.RUN_CANCELED, all.get(1).state());
    List<WorkflowRun> going = store.scanRuns("t1", null, 2, r -> !r.ended());
    assertEquals(List.of("a", "b"), going.stream().map(WorkflowRun::id).toList());
    List<WorkflowRun> after = store.scanRuns("t1", "ab", 10, r -> true);
    assertEquals(List.of("b", "c"), after.stream().map(WorkflowRun::id).toList());
  }

  private static WorkflowRun aRunAt(String tenant, String id, long createdAt) {
    WorkflowRun r = aRun(tenant, id);
    return new WorkflowRun(tenant, id, r.url(), createdAt, "msg_t", 0, false, r.config(), null);
  }

  private List<String> ids(Page<WorkflowRun> page) {
    return page.items().stream().map(WorkflowRun::id).toList();
  }

  @Test
  void runsAreListedNewestFirstAndPagedByCursor() {
    commit(new StoreBatch().putWorkflowRun(aRunAt("t1", "old", 100)));
    commit(new StoreBatch().putWorkflowRun(aRunAt("t1", "new", 300)));
    commit(new StoreBatch().putWorkflowRun(aRunAt("t1", "mid-a", 200)));
    commit(new StoreBatch().putWorkflowRun(aRunAt("t1", "mid-b", 200)));
    commit(new StoreBatch().putWorkflowRun(aRunAt("t2", "other", 250)));
    commit(
        new StoreBatch()
            .putWorkflowRunEnd("t1", "new", new RunEnd(WorkflowState.RUN_FAILED, 400, null, "x")));
    Page<WorkflowRun> all =
        store.listRuns("t1", new RunListing(null, 0, Long.MAX_VALUE, 10, 10), r -> true);
    assertEquals(List.of("new", "mid-b", "mid-a", "old"), ids(all));
    assertNull(all.nextCursor());
    assertEquals(WorkflowState.RUN_FAILED, all.items().get(0).state(), "ends are merged in");

    List<String> walked = new ArrayList<>();
    String cursor = null;
    do {
      Page<WorkflowRun> p =
          store.listRuns("t1", new RunListing(cursor, 0, Long.MAX_VALUE, 1, 1), r -> true);
      walked.addAll(ids(p));
      cursor = p.nextCursor();
    } while (cursor != null);
    assertEquals(List.of("new", "mid-b", "mid-a", "old"), walked);
    assertEquals(
        List.of("mid-a", "old"),
        ids(
            store.listRuns(
                "t1", new RunListing("200-mid-b", 0, Long.MAX_VALUE, 10, 10), r -> true)));
  }

  @Test
  void runListingKeepsToItsTimeRangeFilterAndScanBudget() {
    for (int i = 1; i <= 5; i++) {
      commit(new StoreBatch().putWorkflowRun(aRunAt("t1", "r" + i, i * 100L)));
    }
    assertEquals(
        List.of("r4", "r3", "r2"),
        ids(store.listRuns("t1", new RunListing(null, 200, 400, 10, 10), r -> true)));
    assertEquals(
        List.of("r3"),
        ids(store.listRuns("t1", new RunListing(null, 300, 300, 10, 10), r -> true)));
    Page<WorkflowRun> odd =
        store.listRuns(
            "t1", new RunListing(null, 0, Long.MAX_VALUE, 2, 2), r -> r.id().equals("r1"));
    assertEquals(List.of(), ids(odd), "two runs looked at, none matched");
    assertEquals("400-r4", odd.nextCursor());
    Page<WorkflowRun> rest =
        store.listRuns(
            "t1",
            new RunListing(odd.nextCursor(), 0, Long.MAX_VALUE, 10, 10),
            r -> r.id().equals("r1"));
    assertEquals(List.of("r1"), ids(rest));
    assertNull(rest.nextCursor());
    assertEquals(
        List.of(),
        ids(store.listRuns("t3", new RunListing(null, 0, Long.MAX_VALUE, 10, 10), r -> true)));
  }

  @Test
  void runsThatEndedBeforeATimeGoWithTheirHistoryUnlessKept() {
    for (String id : new String[] {"old", "kept", "recent", "going", "old2"}) {
      commit(
          new StoreBatch()
              .putWorkflowRun(aRun("t1", id))
              .putHistoryEntry(entry("t1", id, 0, "p"))
              .putHistoryEntry(entry("t1", id, 1, "s")));
    }
    commit(new StoreBatch().putWorkflowRun(aRun("t2", "old")));
    for (String id : new String[] {"old", "kept", "old2"}) {
      commit(
          new StoreBatch()
              .putWorkflowRunEnd("t1", id, new RunEnd(WorkflowState.RUN_FAILED, 1000, null, "x")));
    }
    commit(
        new StoreBatch()
            .putWorkflowRunEnd(
                "t1", "recent", new RunEnd(WorkflowState.RUN_SUCCESS, 2000, null, null))
            .putWorkflowRunEnd(
                "t2", "old", new RunEnd(WorkflowState.RUN_SUCCESS, 1000, null, null)));

    assertEquals(0, store.expireRuns("t1", 1000, id -> false), "only those that ended before");
    assertEquals(2, store.expireRuns("t1", 2000, id -> id.equals("kept")));
    assertTrue(store.findRun("t1", "old").isEmpty());
    assertTrue(store.findRun("t1", "old2").isEmpty());
    assertEquals(List.of(), store.readHistory("t1", "old", Long.MAX_VALUE));
    assertEquals(0, store.nextHistorySeq("t1", "old"));
    assertEquals(2, store.readHistory("t1", "kept", Long.MAX_VALUE).size());
    assertEquals(2, store.readHistory("t1", "recent", Long.MAX_VALUE).size());
    assertEquals(2, store.readHistory("t1", "going", Long.MAX_VALUE).size());
    assertEquals(
        List.of("going", "kept", "recent"),
        store.scanRuns("t1", null, 10, r -> true).stream().map(WorkflowRun::id).toList());
    assertTrue(store.findRun("t2", "old").isPresent(), "runs are per tenant");
    assertEquals(1, store.expireRuns("t1", 2000, id -> false));
    assertEquals(1, store.expireRuns("t1", 2001, id -> false));
  }

  @Test
  void anEndKeepsTheDlqEntryOfTheMessageThatFailedTheRun() {
    commit(new StoreBatch().putWorkflowRun(aRun("t1", "r1")).putWorkflowRun(aRun("t1", "r2")));
    commit(
        new StoreBatch()
            .putWorkflowRunEnd(
                "t1", "r1", new RunEnd(WorkflowState.RUN_FAILED, 5, null, "boom", "1000-0"))
            .putWorkflowRunEnd("t1", "r2", new RunEnd(WorkflowState.RUN_FAILED, 5, null, "x")));
    assertEquals("1000-0", store.findRun("t1", "r1").orElseThrow().end().dlqId());
    assertEquals("boom", store.findRun("t1", "r1").orElseThrow().end().error());
    assertNull(store.findRun("t1", "r2").orElseThrow().end().dlqId());
    assertEquals("1000-0", store.scanRuns("t1", null, 10, r -> true).get(0).end().dlqId());
  }

  private static FailureCall aFailureCall(String run, FailureCall.State state, int status) {
    return new FailureCall(
        "t1",
        run,
        "1000-0",
        "msg_fc",
        "http://app/fail",
        state,
        status,
        Map.of("X-A", List.of("b")),
        "answer".getBytes(StandardCharsets.UTF_8),
        7);
  }

  @Test
  void aRunsFailureCallIsReplacedByTheLatestAndDoesNotDisturbItsRunRecords() {
    assertTrue(store.findFailureCall("t1", "r1").isEmpty());
    commit(new StoreBatch().putWorkflowRun(aRun("t1", "r1")).putWorkflowRun(aRun("t1", "r2")));
    commit(
        new StoreBatch()
            .putWorkflowRunEnd("t1", "r1", new RunEnd(WorkflowState.RUN_FAILED, 5, null, "x"))
            .putFailureCall(aFailureCall("r1", FailureCall.State.CALLBACK_INPROGRESS, 0)));
    commit(
        new StoreBatch().putFailureCall(aFailureCall("r1", FailureCall.State.CALLBACK_FAIL, 500)));
    FailureCall c = store.findFailureCall("t1", "r1").orElseThrow();
    assertEquals(FailureCall.State.CALLBACK_FAIL, c.state());
    assertEquals(500, c.responseStatus());
    assertEquals("1000-0", c.dlqId());
    assertEquals("msg_fc", c.messageId());
    assertEquals("http://app/fail", c.url());
    assertEquals(List.of("b"), c.responseHeaders().get("X-A"));
    assertArrayEquals("answer".getBytes(StandardCharsets.UTF_8), c.responseBody());
    assertEquals(7, c.updatedAt());
    assertTrue(store.findFailureCall("t1", "r2").isEmpty());
    assertTrue(store.findFailureCall("t2", "r1").isEmpty(), "per tenant");
    List<WorkflowRun> all = store.scanRuns("t1", null, 10, r -> true);
    assertEquals(List.of("r1", "r2"), all.stream().map(WorkflowRun::id).toList());
    assertEquals(WorkflowState.RUN_FAILED, all.get(0).state());
    assertEquals(WorkflowState.RUN_STARTED, all.get(1).state());

    assertEquals(1, store.expireRuns("t1", 6, id -> false));
    assertTrue(store.findFailureCall("t1", "r1").isEmpty(), "it goes with its run");
  }
}
