package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed workflow run with the real {@code @upstash/workflow} 1.3.3 (docs/workflow.md): its
 * failure callback runs the route's failure function with the run's initial payload, and the SDK's
 * {@code Client.dlq.list} finds the failed step in the workflow DLQ; a run failed by one branch of
 * a parallel block never delivers the other; the failure function's state shows in the DLQ and the
 * logs.
 */
class WorkflowFailureIT {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void theFailureFunctionGetsTheTriggerBodyAndTheWorkflowDlqListsTheFailedStep() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      String body = "{\"order\":42,\"name\":\"ünï\"}";
      String run = app.trigger("/fails-handled", body, null);
      // The step fails in the trigger's delivery (489, non-retryable); the failure callback runs
      // the failure function, which records what it was given.
      JsonNode failed = app.awaitResult(run, RUN_TIMEOUT);
      assertEquals(42, failed.get("payload").get("order").asInt(), failed.toString());
      assertEquals("ünï", failed.get("payload").get("name").asText(), failed.toString());
      assertEquals("handled boom", failed.get("failResponse").asText(), failed.toString());
      assertEquals(489, failed.get("failStatus").asInt(), failed.toString());
      assertTrue(failed.get("createdAt").asLong() > 0, failed.toString());
      Poll.until(
          RUN_TIMEOUT,
          "the failure callback's answer",
          () -> app.statuses("/fails-handled").equals("[489,200]"));
      Api api = server.api();
      assertEquals(404, api.send("GET", "/v2/workflows/runs/" + run, null).status());

      // Another failed run (no failure function), and a plain message in the DLQ.
      String other = app.trigger("/fails", "{}", null);
      Poll.until(RUN_TIMEOUT, "the other run to fail", () -> app.count("/fails") >= 2);
      api.send("POST", "/v2/publish/" + app.url + "/nowhere", "x", "Upstash-Retries", "0");
      Poll.until(
          RUN_TIMEOUT,
          "three DLQ entries",
          () -> api.send("GET", "/v2/dlq", null).json().get("messages").size() == 3);

      JsonNode all = app.dlqList("");
      assertEquals(2, all.get("messages").size(), all.toString());
      JsonNode mine = app.dlqList("workflowRunId=" + run);
      assertEquals(1, mine.get("messages").size(), mine.toString());
      JsonNode e = mine.get("messages").get(0);
      assertEquals(run, e.get("workflowRunId").asText());
      assertEquals(app.url + "/fails-handled", e.get("workflowUrl").asText());
      assertEquals(failed.get("createdAt").asLong(), e.get("workflowCreatedAt").asLong());
      assertEquals(489, e.get("responseStatus").asInt());
      String responseHeader = e.get("responseHeader").toString().toLowerCase(Locale.ROOT);
      assertTrue(
          responseHeader.contains("\"upstash-nonretryable-error\":[\"true\"]"), e.toString());
      assertTrue(e.get("responseBody").asText().contains("handled boom"), e.toString());
      assertEquals(app.url + "/fails-handled", e.get("failureCallback").asText());
      assertFalse(e.get("dlqId").asText().isEmpty());
      assertFalse(e.get("messageId").asText().isEmpty());

      JsonNode byUrl = app.dlqList("workflowUrl=" + app.url + "/fails");
      assertEquals(1, byUrl.get("messages").size(), byUrl.toString());
      assertEquals(other, byUrl.get("messages").get(0).get("workflowRunId").asText());
      JsonNode paged = app.dlqList("count=1");
      assertEquals(1, paged.get("messages").size(), paged.toString());
      assertTrue(paged.hasNonNull("cursor"), paged.toString());
      JsonNode rest = app.dlqList("count=1&cursor=" + paged.get("cursor").asText());
      assertEquals(1, rest.get("messages").size(), rest.toString());
      assertFalse(
          rest.get("messages")
              .get(0)
              .get("dlqId")
              .equals(paged.get("messages").get(0).get("dlqId")));
    }
  }

  @Test
  void aBranchThatFailsForGoodEndsTheRunAndItsSleepingBranchIsNeverDelivered() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      long triggered = System.currentTimeMillis();
      String run = app.trigger("/fail-parallel", "{}", null);
      // The trigger plans both branches, the failing one answers 489, the failure callback (the
      // route has no failure function) 200.
      Poll.until(
          RUN_TIMEOUT,
          "the run to fail and its failure callback to be answered",
          () -> app.statuses("/fail-parallel").equals("[200,489,200]"));
      // The sleeping branch was due 4 s after the trigger: wait well past it.
      Thread.sleep(Math.max(0, triggered + 8_000 - System.currentTimeMillis()));
      assertEquals(3, app.count("/fail-parallel"), app.statuses("/fail-parallel"));
      assertNull(app.result(run));

      // The logs and the DLQ name the failed message's DLQ entry and the failure callback's state.
      Poll.until(
          RUN_TIMEOUT,
          "the failure callback's state",
          () -> stateOf(app, run).equals("CALLBACK_SUCCESS"));
      JsonNode log = runLog(app, run);
      assertEquals("RUN_FAILED", log.get("workflowState").asText(), log.toString());
      JsonNode entry = app.dlqList("workflowRunId=" + run).get("messages").get(0);
      assertEquals(entry.get("dlqId").asText(), log.get("dlqId").asText(), log.toString());
      JsonNode ff = log.get("failureFunction");
      assertEquals(app.url + "/fail-parallel", ff.get("url").asText(), ff.toString());
      assertEquals(489, ff.get("failStatus").asInt(), ff.toString());
      assertEquals(200, ff.get("responseStatus").asInt(), ff.toString());
      assertEquals(
          "CALLBACK_SUCCESS",
          entry.get("failureCallbackInfo").get("state").asText(),
          entry.toString());
    }
  }

  @Test
  void aFailureFunctionThatFailsIsShownAndFilteredAsCallbackFail() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      Api.Response t =
          app.api.send(
              "POST", "/trigger", "{\"route\":\"/fail-handler-fails\",\"body\":{},\"retries\":0}");
      assertEquals(200, t.status(), t.body());
      String run = t.json().get("workflowRunId").asText();
      String ok = app.trigger("/fails", "{}", null); // its failure callback is answered 200
      Poll.until(
          RUN_TIMEOUT,
          "the failure callback to fail for good",
          () -> stateOf(app, run).equals("CALLBACK_FAIL"));
      Poll.until(RUN_TIMEOUT, "the other run's callback", () -> !stateOf(app, ok).isEmpty());
      assertEquals("handler ran", app.result(run).asText());
      assertEquals("[489,500]", app.statuses("/fail-handler-fails"));

      JsonNode failed = app.dlqList("failureFunctionState=CALLBACK_FAIL").get("messages");
      assertEquals(1, failed.size(), failed.toString());
      assertEquals(run, failed.get(0).get("workflowRunId").asText());
      assertEquals(500, failed.get(0).get("failureCallbackInfo").get("responseStatus").asInt());
      JsonNode succeeded = app.dlqList("failureFunctionState=CALLBACK_SUCCESS").get("messages");
      assertEquals(1, succeeded.size(), succeeded.toString());
      assertEquals(ok, succeeded.get(0).get("workflowRunId").asText());
      assertEquals(
          0, app.dlqList("failureFunctionState=CALLBACK_INPROGRESS").get("messages").size());
      JsonNode ff = runLog(app, run).get("failureFunction");
      assertEquals("CALLBACK_FAIL", ff.get("state").asText(), ff.toString());
      assertEquals(500, ff.get("responseStatus").asInt(), ff.toString());
    }
  }

  /** The state of the failure callback of the run's DLQ entry, or "" while none is listed. */
  private static String stateOf(WorkflowApp app, String run) {
    JsonNode m = app.dlqList("workflowRunId=" + run).get("messages");
    if (m.isEmpty() || !m.get(0).has("failureCallbackInfo")) {
      return "";
    }
    return m.get(0).get("failureCallbackInfo").get("state").asText();
  }

  /** The run as the SDK's {@code Client.logs} shows it. */
  private static JsonNode runLog(WorkflowApp app, String run) {
    Api.Response r = app.api.send("GET", "/logs?workflowRunId=" + run, null);
    assertEquals(200, r.status(), r.body());
    JsonNode runs = r.json().get("runs");
    assertEquals(1, runs.size(), runs.toString());
    return runs.get(0);
  }
}
