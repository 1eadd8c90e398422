package dev.postbox.core.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.Invoker;
import dev.postbox.core.workflow.RunConfig;
import dev.postbox.core.workflow.RunEnd;
import dev.postbox.core.workflow.WorkflowRun;
import dev.postbox.core.workflow.WorkflowState;
import java.nio.charset.StandardCharsets;
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
}
