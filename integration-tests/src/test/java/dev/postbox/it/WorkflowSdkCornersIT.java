package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corners of the protocol of the real {@code @upstash/workflow} 1.3.3 (docs/workflow.md) that its
 * own end-to-end suite exercises. Routes: workflow-app/routes/corners.mjs.
 */
class WorkflowSdkCornersIT {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void aClientTriggerWithTheUnknownSdkHeaderLetsTheSdkTriggerTheRunItself() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      Api.Response t =
          app.api.send(
              "POST",
              "/corners/unknown-sdk/start",
              "{\"body\":\"\u201cq\u201d\",\"workflowRunId\":\"unknown-sdk\"}");
      assertEquals(200, t.status(), t.body());
      JsonNode r = app.awaitResult("wfr_unknown-sdk", RUN_TIMEOUT);
      assertEquals("\u201cq\u201d!?", r.get("b").asText(), r.toString());
      assertEquals("u1", r.get("user").asText(), r.toString());
      // Asked to trigger, then the trigger and two steps.
      assertEquals(4, app.count("/corners/unknown-sdk"), app.output());
      Poll.until( // the last answer is recorded once sent, after the result
          RUN_TIMEOUT,
          "four answers 200",
          () -> app.statuses("/corners/unknown-sdk").equals("[200,200,200,200]"));
    }
  }

  @Test
  void theLogsOfARunTriggeredAtANonWorkflowUrlShowTheAnswer() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      String run = app.trigger("/corners/plain", null, "plain");
      Api api = server.api();
      String logs = "/v2/workflows/logs?workflowRunId=" + run;
      Poll.until(
          RUN_TIMEOUT,
          "the run to fail",
          () -> api.send("GET", logs, null).body().contains("RUN_FAILED"));
      JsonNode steps = api.send("GET", logs, null).json().get("runs").get(0).get("steps");
      assertEquals(2, steps.size(), steps.toString());
      JsonNode error = steps.get(1).get("steps").get(0).get("errors").get(0);
      assertEquals(
          "detected a non-workflow destination for trigger/invoke. make sure you are sending the"
              + " request to the correct endpoint",
          error.get("error").asText());
      assertEquals("{\"plain\":\"corners\"}", error.get("body").asText(), error.toString());
    }
  }

  @Test
  void aCallToAWorkflowRouteIsAFirstCallThere() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      String caller = app.trigger("/corners/caller", null, "wfr_caller");
      JsonNode r = app.awaitResult(caller, RUN_TIMEOUT);
      assertEquals(200, r.get("status").asInt(), r + "\n" + app.output());
      String callee = r.get("body").get("workflowRunId").asText();
      assertTrue(callee.startsWith("wfr_"), r.toString());
      JsonNode c = app.awaitResult(callee, RUN_TIMEOUT);
      assertEquals("callee-payload", c.get("payload").asText(), c.toString());
      assertEquals("caller", c.get("user").asText(), c.toString());
    }
  }
}
