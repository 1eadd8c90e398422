package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workflow DLQ actions with the real {@code @upstash/workflow} 1.3.3 {@code Client.dlq}
 * (docs/workflow.md), on the route {@code /dlq/flaky} of workflow-app/routes/dlq.mjs: steps
 * "first", "second" (fails while its counter is at most the run's {@code failures}; no retries) and
 * "third". The oracle is how many times each step ran.
 */
class WorkflowDlqIT {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void resumeRestartRetryFailureFunctionAndDelete() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      Api api = server.api();

      // A run whose second step fails for good; its failure function runs once.
      String failed = trigger(app, "r", 1, null);
      String dlqId = awaitDlq(app, failed);
      Poll.until(RUN_TIMEOUT, "the failure function", () -> calls(app, "r:failure") == 1);

      // retryFailureFunction: the failure function runs again; the entry stays.
      JsonNode again = control(app, "/dlq/callback", "{\"dlqId\":\"" + dlqId + "\"}");
      assertEquals(failed, again.get("workflowRunId").asText(), again.toString());
      assertTrue(again.get("workflowCreatedAt").asLong() > 0, again.toString());
      Poll.until(RUN_TIMEOUT, "the failure function again", () -> calls(app, "r:failure") == 2);
      assertEquals(1, app.dlqList("workflowRunId=" + failed).get("messages").size());

      JsonNode one = api.send("GET", "/v2/workflows/dlq/" + dlqId, null).json();
      assertEquals(failed, one.get("workflowRunId").asText(), one.toString());

      // resume: a new run that goes on from the failed step; "first" does not run again.
      JsonNode resumed = control(app, "/dlq/resume", "{\"request\":\"" + dlqId + "\"}");
      assertEquals(1, resumed.get("workflowRuns").size(), resumed.toString());
      String next = resumed.get("workflowRuns").get(0).get("workflowRunId").asText();
      assertNotEquals(failed, next);
      assertEquals(3, app.awaitResult(next, RUN_TIMEOUT).get("c").asInt());
      assertEquals(1, calls(app, "r:first"));
      assertEquals(2, calls(app, "r:second"));
      assertEquals(1, calls(app, "r:third"));
      assertEquals(0, app.dlqList("workflowRunId=" + failed).get("messages").size());
      assertEquals(404, api.send("GET", "/v2/workflows/dlq/" + dlqId, null).status());

      // restart (the SDK's by-id form): a new run from scratch; "first" runs again.
      String toRestart = trigger(app, "s", 1, null);
      String restartId = awaitDlq(app, toRestart);
      JsonNode restarted =
          control(app, "/dlq/restart", "{\"request\":{\"dlqId\":\"" + restartId + "\"}}");
      String fresh = restarted.get("workflowRunId").asText();
      assertNotEquals(toRestart, fresh, restarted.toString());
      assertEquals(3, app.awaitResult(fresh, RUN_TIMEOUT).get("c").asInt());
      assertEquals(2, calls(app, "s:first"));
      assertEquals(2, calls(app, "s:second"));
      assertEquals(1, calls(app, "s:third"));

      // resume with retries overridden: the resumed step fails once more, then its retry passes.
      String retried = trigger(app, "o", 2, "100");
      String retriedId = awaitDlq(app, retried);
      JsonNode withRetries =
          control(
              app,
              "/dlq/resume",
              "{\"request\":\"" + retriedId + "\",\"options\":{\"retries\":1}}");
      String third = withRetries.get("workflowRuns").get(0).get("workflowRunId").asText();
      assertEquals(3, app.awaitResult(third, RUN_TIMEOUT).get("c").asInt());
      assertEquals(3, calls(app, "o:second"));
      assertEquals(1, calls(app, "o:first"));

      // delete by id and by filter: the list no longer shows them.
      String d1 = trigger(app, "d1", 1, null);
      String d1Id = awaitDlq(app, d1);
      String d2 = trigger(app, "d2", 1, null);
      awaitDlq(app, d2);
      JsonNode del = control(app, "/dlq/delete", "{\"request\":\"" + d1Id + "\"}");
      assertEquals(1, del.get("deleted").asInt(), del.toString());
      assertEquals(0, app.dlqList("workflowRunId=" + d1).get("messages").size());
      JsonNode byFilter =
          control(
              app, "/dlq/delete", "{\"request\":{\"filter\":{\"workflowRunId\":\"" + d2 + "\"}}}");
      assertEquals(1, byFilter.get("deleted").asInt(), byFilter.toString());
      assertEquals(0, app.dlqList("").get("messages").size());

      // Errors: unknown entry 404, a plain message's entry 400, a bad filter 400.
      assertEquals(404, api.send("POST", "/v2/workflows/dlq/resume/1-0", null).status());
      assertEquals(404, api.send("POST", "/v2/workflows/dlq/resume?dlqIds=1-0", null).status());
      api.send("POST", "/v2/publish/" + app.url + "/nowhere", "x", "Upstash-Retries", "0");
      Poll.until(
          RUN_TIMEOUT,
          "the plain message in the DLQ",
          () -> api.send("GET", "/v2/dlq", null).json().get("messages").size() == 1);
      String plain =
          api.send("GET", "/v2/dlq", null).json().get("messages").get(0).get("dlqId").asText();
      Api.Response notWorkflow = api.send("POST", "/v2/workflows/dlq/restart/" + plain, null);
      assertEquals(400, notWorkflow.status(), notWorkflow.body());
      assertEquals(400, api.send("POST", "/v2/workflows/dlq/callback/" + plain, null).status());
      assertEquals(400, api.send("DELETE", "/v2/workflows/dlq?bogus=1", null).status());
      assertEquals(400, api.send("POST", "/v2/workflows/dlq/resume?count=5000", null).status());
      assertEquals(1, api.send("GET", "/v2/dlq", null).json().get("messages").size());
    }
  }

  private static String trigger(WorkflowApp app, String key, int failures, String retryDelay) {
    StringBuilder b =
        new StringBuilder("{\"key\":\"").append(key).append("\",\"failures\":").append(failures);
    if (retryDelay != null) {
      b.append(",\"retryDelay\":\"").append(retryDelay).append('"');
    }
    return control(app, "/dlq/trigger", b.append('}').toString()).get("workflowRunId").asText();
  }

  /** Waits for the run's entry in the workflow DLQ ({@code Client.dlq.list}); its dlqId. */
  private static String awaitDlq(WorkflowApp app, String runId) {
    Poll.until(
        RUN_TIMEOUT,
        "run " + runId + " in the workflow DLQ",
        () -> app.dlqList("workflowRunId=" + runId).get("messages").size() == 1);
    return app.dlqList("workflowRunId=" + runId).get("messages").get(0).get("dlqId").asText();
  }

  private static JsonNode control(WorkflowApp app, String path, String body) {
    Api.Response r = app.api.send("POST", path, body);
    if (r.status() != 200) {
      throw new AssertionError(path + " failed: " + r.body() + "\n" + app.output());
    }
    return r.json();
  }

  private static int calls(WorkflowApp app, String name) {
    JsonNode n = app.api.send("GET", "/dlq/calls", null).json().get(name);
    return n == null ? 0 : n.asInt();
  }
}
