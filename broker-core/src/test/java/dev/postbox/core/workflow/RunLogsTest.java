package dev.postbox.core.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import dev.postbox.core.query.RunFilter;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.Page;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.testing.InMemoryMessageStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunLogsTest {
  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private final RunLogs logs = new RunLogs(store);

  private static WorkflowRun run(String id, long createdAt) {
    RunConfig c = new RunConfig(4, "1000", null, null, Map.of(), "lbl");
    return new WorkflowRun("t", id, "http://app/wf", createdAt, "m0", 0, false, c, null);
  }

  /** A run with one history entry per message id, and its end when not null. */
  private void store(WorkflowRun r, RunEnd end, String... messageIds) {
    StoreBatch b = new StoreBatch().putWorkflowRun(r);
    for (int i = 0; i < messageIds.length; i++) {
      byte[] body = ("{\"stepId\":" + i + "}").getBytes(StandardCharsets.UTF_8);
      b.putHistoryEntry(new HistoryEntry("t", r.id(), i, messageIds[i], body, null));
    }
    if (end != null) {
      b.putWorkflowRunEnd("t", r.id(), end);
    }
    store.commit(b, Durability.SYNC).join();
  }

  private static RunFilter all() {
    return RunFilter.forLogs(Map.of());
  }

  private static List<String> ids(Page<RunLog> p) {
    return p.items().stream().map(l -> l.run().id()).toList();
  }

  @Test
  void runsComeNewestFirstAndTheCursorWalksThemAll() {
    store(run("old", 100), null, "msg_a");
    store(run("new", 300), null, "msg_b");
    store(run("mid", 200), null, "msg_c");
    assertEquals(List.of("new", "mid", "old"), ids(logs.list("t", all(), null, 10)));
    List<String> walked = new ArrayList<>();
    String cursor = null;
    do {
      Page<RunLog> p = logs.list("t", all(), cursor, 1);
      walked.addAll(ids(p));
      cursor = p.nextCursor();
    } while (cursor != null);
    assertEquals(List.of("new", "mid", "old"), walked);
    assertEquals(List.of(), ids(logs.list("other", all(), null, 10)));
  }

  @Test
  void aRunIdIsOnePointReadWithoutCursor() {
    store(run("a", 100), null, "msg_a");
    store(run("b", 200), null, "msg_b");
    RunFilter one = RunFilter.forLogs(Map.of("workflowRunId", List.of("a")));
    Page<RunLog> p = logs.list("t", one, null, 10);
    assertEquals(List.of("a"), ids(p));
    assertNull(p.nextCursor());
    RunFilter failedOnly =
        RunFilter.forLogs(Map.of("workflowRunId", List.of("a"), "state", List.of("RUN_FAILED")));
    assertEquals(List.of(), ids(logs.list("t", failedOnly, null, 10)));
  }

  @Test
  void stepsCarryTheirMessagesCreationTime() {
    String m0 = Ids.messageId();
    store(run("r", 100), null, m0, "msg_not_from_ids");
    RunLog log = logs.list("t", all(), null, 10).items().get(0);
    assertEquals(Ids.millisOf(m0), log.steps().get(0).createdAt());
    assertTrue(log.steps().get(0).createdAt() > 100);
    assertEquals(100, log.steps().get(1).createdAt(), "the run's creation time otherwise");
  }

  @Test
  void aGoingRunWaitsOnItsStoredMessages() {
    store(run("r", 100), null, "msg_done", "msg_retrying");
    Message m =
        Message.builder()
            .withTenant("t")
            .withId("msg_retrying")
            .withUrl("http://app/wf")
            .withMaxRetries(4)
            .withRetryDelayExpression("1000")
            .withRetried(2)
            .build();
    store.commit(new StoreBatch().putNewMessage(m), Durability.SYNC).join();
    RunLog log = logs.list("t", all(), null, 10).items().get(0);
    assertEquals(
        List.of(new RunLog.Next("msg_retrying", RunLog.NextState.STEP_RETRY, 4, "1000", null, 0)),
        log.next());
  }

  @Test
  void aFailedRunHasTheDlqEntryOfTheMessageThatFailedItWhileItExists() {
    Message m = Message.builder().withTenant("t").withId("msg_1").withUrl("http://app/wf").build();
    DlqEntry e = new DlqEntry("1-0", m, 140, 489, Map.of("X", List.of("y")), new byte[0], null);
    store.commit(new StoreBatch().putDlq(e), Durability.SYNC).join();
    store(run("f", 100), new RunEnd(WorkflowState.RUN_FAILED, 150, null, "boom", "1-0"), "msg_1");
    store(run("g", 200), new RunEnd(WorkflowState.RUN_FAILED, 250, null, "boom", "2-0"), "msg_2");
    store(run("h", 300), new RunEnd(WorkflowState.RUN_FAILED, 350, null, "boom"), "msg_3");
    List<RunLog> l = logs.list("t", all(), null, 10).items();
    assertNull(l.get(0).stopped(), "no DLQ entry");
    assertNull(l.get(1).stopped(), "its DLQ entry is gone");
    assertEquals(489, l.get(2).stopped().responseStatus());
    assertNull(l.get(2).failed(), "it made no failure callback");
  }

  @Test
  void aFailedOrCancelledRunStoppedAtItsLastMessage() {
    store(run("f", 100), new RunEnd(WorkflowState.RUN_FAILED, 150, null, "boom"), "msg_0", "msg_1");
    store(run("c", 200), new RunEnd(WorkflowState.RUN_CANCELED, 250, null, null), "msg_2", "msg_3");
    store(run("s", 300), new RunEnd(WorkflowState.RUN_SUCCESS, 350, null, null), "msg_4");
    List<RunLog> l = logs.list("t", all(), null, 10).items();
    assertEquals(List.of(), l.get(0).next());
    assertEquals(
        List.of(new RunLog.Next("msg_3", RunLog.NextState.STEP_CANCELED, 4, "1000", null, 0)),
        l.get(1).next());
    assertEquals(
        List.of(new RunLog.Next("msg_1", RunLog.NextState.STEP_FAILED, 4, "1000", "boom", 150)),
        l.get(2).next());
    assertEquals(2, l.get(2).steps().size());
  }
}
