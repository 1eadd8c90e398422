package dev.postbox.core.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.testing.InMemoryMessageStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowDlqTest {
  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private final FailureCalls calls = new FailureCalls(store);

  private static DlqEntry entry(String dlqId, String runId, MessageKind kind) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    if (runId != null) {
      h.put("Upstash-Workflow-RunId", List.of(runId));
      h.put("Upstash-Workflow-CreatedAt", List.of("1000"));
      h.put("Upstash-Workflow-Url", List.of("http://app/" + runId));
    }
    Message m =
        Message.builder()
            .withTenant("t")
            .withId("msg_" + dlqId)
            .withKind(kind)
            .withUrl("http://app/x")
            .withHeaders(h)
            .build();
    return new DlqEntry(dlqId, m, 5, 489, Map.of(), new byte[0], null);
  }

  private static Map<String, List<String>> query(String... kv) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    q.put("source", List.of("workflow"));
    for (int i = 0; i < kv.length; i += 2) {
      q.put(kv[i], List.of(kv[i + 1]));
    }
    return q;
  }

  @Test
  void onlyTheWorkflowSourceAsksForTheWorkflowView() {
    assertTrue(WorkflowDlq.requested(query()));
    assertFalse(WorkflowDlq.requested(Map.of("source", List.of("other"))));
    assertFalse(WorkflowDlq.requested(Map.of()));
  }

  @Test
  void listsTheRunsMessagesNotTheirCallbacksNorPlainMessages() {
    WorkflowDlq all = WorkflowDlq.parse(query("count", "10"), calls);
    assertEquals(10, all.list().count());
    assertTrue(all.predicate().test(entry("1-0", "wfr_a", MessageKind.MESSAGE)));
    assertFalse(all.predicate().test(entry("2-0", "wfr_a", MessageKind.FAILURE_CALLBACK)));
    assertFalse(all.predicate().test(entry("3-0", null, MessageKind.MESSAGE)));
  }

  @Test
  void filtersByRunUrlCreationTimeAndTheListsOwnParameters() {
    DlqEntry a = entry("1-0", "wfr_a", MessageKind.MESSAGE);
    DlqEntry b = entry("2-0", "wfr_b", MessageKind.MESSAGE);
    WorkflowDlq byRun = WorkflowDlq.parse(query("workflowRunId", "wfr_a"), calls);
    assertTrue(byRun.predicate().test(a));
    assertFalse(byRun.predicate().test(b));
    WorkflowDlq byUrl = WorkflowDlq.parse(query("workflowUrl", "http://app/wfr_b"), calls);
    assertFalse(byUrl.predicate().test(a));
    assertTrue(byUrl.predicate().test(b));
    assertFalse(WorkflowDlq.parse(query("workflowCreatedAt", "999"), calls).predicate().test(a));
    assertTrue(WorkflowDlq.parse(query("workflowCreatedAt", "1000"), calls).predicate().test(a));
    assertFalse(WorkflowDlq.parse(query("responseStatus", "500"), calls).predicate().test(a));
    assertTrue(WorkflowDlq.parse(query("dlqIds", "2-0"), calls).predicate().test(b));
    assertFalse(WorkflowDlq.parse(query("dlqIds", "2-0"), calls).predicate().test(a));
  }

  @Test
  void refusesWhatItCannotFilterOn() {
    InvalidRequestException state =
        assertThrows(
            InvalidRequestException.class,
            () -> WorkflowDlq.parse(query("failureFunctionState", "CALLBACK_DONE"), calls));
    assertTrue(state.getMessage().contains("failureFunctionState"), state.getMessage());
    InvalidRequestException unknown =
        assertThrows(
            InvalidRequestException.class, () -> WorkflowDlq.parse(query("bogus", "1"), calls));
    assertTrue(unknown.getMessage().contains("bogus"), unknown.getMessage());
  }

  private void failureCall(String runId, String dlqId, FailureCall.State state) {
    FailureCall c =
        new FailureCall("t", runId, dlqId, "msg_fc", "http://app/x", state, 0, null, null, 1);
    store.commit(new StoreBatch().putFailureCall(c), Durability.SYNC).join();
  }

  @Test
  void filtersByTheStateOfTheFailureCallbackOfTheEntrysOwnFailure() {
    DlqEntry a = entry("1-0", "wfr_a", MessageKind.MESSAGE);
    DlqEntry b = entry("2-0", "wfr_b", MessageKind.MESSAGE);
    DlqEntry c = entry("3-0", "wfr_c", MessageKind.MESSAGE);
    failureCall("wfr_a", "1-0", FailureCall.State.CALLBACK_FAIL);
    failureCall("wfr_b", "2-0", FailureCall.State.CALLBACK_SUCCESS);
    failureCall("wfr_c", "9-0", FailureCall.State.CALLBACK_FAIL); // another entry's callback
    WorkflowDlq failed = WorkflowDlq.parse(query("failureFunctionState", "CALLBACK_FAIL"), calls);
    assertTrue(failed.predicate().test(a));
    assertFalse(failed.predicate().test(b));
    assertFalse(failed.predicate().test(c));
    assertTrue(
        WorkflowDlq.parse(query("failureFunctionState", "CALLBACK_SUCCESS"), calls)
            .predicate()
            .test(b));
    assertEquals(FailureCall.State.CALLBACK_FAIL, calls.of(a).orElseThrow().state());
    assertTrue(calls.of(c).isEmpty());
  }
}
