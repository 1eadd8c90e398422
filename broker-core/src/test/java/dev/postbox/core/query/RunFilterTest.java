package dev.postbox.core.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.workflow.RunConfig;
import dev.postbox.core.workflow.RunEnd;
import dev.postbox.core.workflow.WorkflowRun;
import dev.postbox.core.workflow.WorkflowState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunFilterTest {
  private static WorkflowRun run(String id, String url, long createdAt, String label, String key) {
    RunConfig c =
        new RunConfig(
            3, null, key == null ? null : new FlowControl(key, 1, null, 1), null, Map.of(), label);
    return new WorkflowRun("t", id, url, createdAt, "msg_t", 0, false, c, null);
  }

  private static final WorkflowRun A = run("a", "http://app.test/wf/a", 100, "x,y", "k1");
  private static final WorkflowRun B = run("b", "http://other.test/wf/b", 200, null, null);

  private static Map<String, List<String>> q(String... kv) {
    LinkedHashMap<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.computeIfAbsent(kv[i], k -> new ArrayList<>()).add(kv[i + 1]);
    }
    return m;
  }

  @Test
  void logFiltersMatchRunFields() {
    assertTrue(RunFilter.forLogs(q()).predicate().test(A));
    assertTrue(RunFilter.forLogs(q("workflowUrl", A.url())).predicate().test(A));
    assertFalse(RunFilter.forLogs(q("workflowUrl", "http://app.test/wf")).predicate().test(A));
    assertTrue(RunFilter.forLogs(q("label", "y")).predicate().test(A));
    assertFalse(RunFilter.forLogs(q("label", "y")).predicate().test(B));
    assertTrue(RunFilter.forLogs(q("flowControlKey", "k1")).predicate().test(A));
    assertFalse(RunFilter.forLogs(q("flowControlKey", "k1")).predicate().test(B));
    assertTrue(RunFilter.forLogs(q("host", "OTHER.test")).predicate().test(B));
    assertTrue(RunFilter.forLogs(q("path", "/wf/a")).predicate().test(A));
    RunFilter failed = RunFilter.forLogs(q("state", "RUN_FAILED", "state", "run_canceled"));
    assertFalse(failed.predicate().test(A));
    assertTrue(
        failed.predicate().test(A.withEnd(new RunEnd(WorkflowState.RUN_CANCELED, 1, null, null))));
  }

  @Test
  void timesNarrowTheRangeAndTheRunIdIsKept() {
    RunFilter f = RunFilter.forLogs(q("fromDate", "150", "toDate", "300"));
    assertEquals(150, f.fromMs());
    assertEquals(300, f.toMs());
    assertFalse(f.predicate().test(A));
    assertTrue(f.predicate().test(B));
    RunFilter at = RunFilter.forLogs(q("workflowCreatedAt", "100"));
    assertEquals(100, at.fromMs());
    assertEquals(100, at.toMs());
    assertTrue(at.predicate().test(A));
    assertFalse(at.predicate().test(B));
    RunFilter one = RunFilter.forLogs(q("workflowRunId", " b "));
    assertEquals("b", one.runId());
    assertTrue(one.predicate().test(B));
    assertFalse(one.predicate().test(A));
    assertNull(RunFilter.forLogs(q()).runId());
  }

  @Test
  void cancelMatchesUrlPrefixesUnlessExact() {
    assertTrue(
        RunFilter.forCancel(q("workflowUrl", "http://app.test/"), false).predicate().test(A));
    assertFalse(
        RunFilter.forCancel(q("workflowUrl", "http://app.test/"), true).predicate().test(A));
    assertTrue(RunFilter.forCancel(q("workflowUrl", A.url()), true).predicate().test(A));
  }

  @Test
  void malformedOrUnsupportedFiltersAreRefused() {
    assertEquals(
        "invalid fromDate: \"yesterday\" (expected Unix time in milliseconds)",
        assertThrows(
                InvalidRequestException.class, () -> RunFilter.forLogs(q("fromDate", "yesterday")))
            .getMessage());
    assertThrows(InvalidRequestException.class, () -> RunFilter.forCancel(q("toDate", "x"), false));
    assertTrue(
        assertThrows(InvalidRequestException.class, () -> RunFilter.forLogs(q("state", "DONE")))
            .getMessage()
            .startsWith("invalid state: \"DONE\""));
    assertTrue(
        assertThrows(
                InvalidRequestException.class,
                () -> RunFilter.forCancel(q("callerIp", "1.2.3.4"), false))
            .getMessage()
            .contains("callerIp filter is not supported"));
    assertTrue(
        assertThrows(InvalidRequestException.class, () -> RunFilter.forLogs(q("messageId", "m")))
            .getMessage()
            .contains("messageId"));
  }
}
