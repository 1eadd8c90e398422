package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * {@code Client.dlq.list} finds the failed step in the workflow DLQ.
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
}
