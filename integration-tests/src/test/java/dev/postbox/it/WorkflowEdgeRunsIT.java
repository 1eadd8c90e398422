package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs of the real {@code @upstash/workflow} 1.3.3 that end in an edge case (docs/workflow.md): a
 * server trigger (started at once, and failed when the endpoint's SDK predates it), a step asking
 * for more retries than allowed (412, which the SDK turns into a failure of the step), and a parent
 * that fails in a parallel block while the run it invoked goes on. The oracle is the run's logs as
 * {@code GET /v2/workflows/logs} shows them and the route call counts. Routes:
 * workflow-app/routes/edges.mjs.
 */
class WorkflowEdgeRunsIT {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void aServerTriggerStartsTheRunAtOnceAndAnEndpointOfAnOldSdkFailsIt() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      Api api = server.api();
      Api.Response t =
          api.send(
              "POST",
              "/v2/trigger/" + app.url + "/edges/steps",
              "{\"n\":2}",
              "Content-Type",
              "application/json",
              "Upstash-Workflow-RunId",
              "wfr_edge-steps");
      assertEquals(200, t.status(), t.body());
      assertEquals(30, app.awaitResult("wfr_edge-steps", RUN_TIMEOUT).get("b").asInt());
      // Not asked to trigger the run: its first step, then two more calls, as for Client.trigger.
      Poll.until(RUN_TIMEOUT, "three calls", () -> app.count("/edges/steps") >= 3);
      assertEquals(3, app.count("/edges/steps"), app.output());

      Api.Response old =
          api.send(
              "POST",
              "/v2/trigger/" + app.url + "/edges/old-sdk",
              "{\"p\":1}",
              "Upstash-Workflow-RunId",
              "wfr_edge-old");
      assertEquals(200, old.status(), old.body());
      JsonNode run = failedRun(api, "wfr_edge-old");
      JsonNode steps = run.get("steps");
      assertEquals(2, steps.size(), steps.toString());
      JsonNode init = steps.get(0).get("steps").get(0);
      assertEquals("init", init.get("stepName").asText(), steps.toString());
      assertEquals("STEP_SUCCESS", init.get("state").asText());
      assertEquals("{\"p\":1}", init.get("out").asText());
      assertEquals("next", steps.get(1).get("type").asText());
      JsonNode error = steps.get(1).get("steps").get(0).get("errors").get(0);
      assertEquals(
          "trigger rest api is only usable with sdk versions after v1.0.0 major version",
          error.get("error").asText(),
          error.toString());
      assertEquals("{\"old\":true}", error.get("body").asText(), error.toString());
    }
  }

  @Test
  void aStepAskingForTooManyRetriesIsRefusedWith412AndFailsItsRun() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      Api api = server.api();
      String single = app.trigger("/edges/greedy-call", null, "wfr_greedy");
      JsonNode run = failedRun(api, single);
      JsonNode steps = run.get("steps");
      JsonNode next = steps.get(steps.size() - 1);
      assertEquals("next", next.get("type").asText(), steps.toString());
      assertEquals(1, next.get("steps").size());
      JsonNode failed = next.get("steps").get(0);
      assertEquals("STEP_FAILED", failed.get("state").asText());
      assertEquals(489, failed.get("errors").get(0).get("status").asInt(), failed.toString());
      assertTrue(
          failed.get("errors").get(0).get("body").asText().contains("Upstash-Retries 1000000"),
          failed.toString());
      // The step answered 489 once (it is not retried); then the run's failure callback, which
      // Client.trigger points at the route itself, comes after the run failed and is answered 200.
      // Wait for it rather than race it.
      Poll.until(
          RUN_TIMEOUT,
          "the failure callback to reach the route",
          () -> app.statuses("/edges/greedy-call").split(",").length >= 2);
      assertEquals("[489,200]", app.statuses("/edges/greedy-call"), app.output());

      String parallel = app.trigger("/edges/greedy-parallel", null, "wfr_greedy-parallel");
      JsonNode groups = failedRun(api, parallel).get("steps");
      JsonNode block = null;
      for (JsonNode g : groups) {
        if (g.get("type").asText().equals("parallel")) {
          block = g;
        }
      }
      assertNotNull(block, groups.toString());
      JsonNode branch = null;
      for (JsonNode s : block.get("steps")) {
        if (s.get("state").asText().equals("STEP_FAILED")) {
          branch = s;
        }
      }
      assertNotNull(branch, block.toString());
      assertEquals("greedy", branch.get("stepName").asText(), branch.toString());
      assertEquals(489, branch.get("errors").get(0).get("status").asInt(), branch.toString());

      // The same refusal from plain HTTP; bad input and plain messages stay 400.
      String dest = "/v2/publish/" + app.url + "/edges/target";
      Api.Response refused =
          api.send(
              "POST", dest, "x", "Upstash-Workflow-RunId", "wfr_any", "Upstash-Retries", "1000000");
      assertEquals(412, refused.status(), refused.body());
      assertEquals(
          "Upstash-Retries 1000000 is above the most retries a message may ask for, 20"
              + " (docs/api.md#limits)",
          refused.json().get("error").asText());
      assertEquals(
          400,
          api.send("POST", dest, "x", "Upstash-Workflow-RunId", "wfr_any", "Upstash-Retries", "-1")
              .status());
      assertEquals(400, api.send("POST", dest, "x", "Upstash-Retries", "1000000").status());
    }
  }

  @Test
  void aParentThatFailedWhileItsInvokedRunWentOnLogsTheInvokeAsDone() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      Api api = server.api();
      String parent = app.trigger("/edges/parent", null, "wfr_edge-parent");
      failedRun(api, parent);
      String logs = "/v2/workflows/logs?workflowRunId=" + parent;
      Poll.until(
          RUN_TIMEOUT,
          "the invoke step in the parent's logs",
          () -> api.send("GET", logs, null).body().contains("\"stepName\":\"invoke child\""));
      JsonNode groups = api.send("GET", logs, null).json().get("runs").get(0).get("steps");
      JsonNode block = groups.get(1);
      assertEquals("parallel", block.get("type").asText(), groups.toString());
      String invoke = null;
      String failing = null;
      for (JsonNode s : block.get("steps")) {
        if (s.get("stepName").asText().equals("invoke child")) {
          invoke = s.get("state").asText();
        } else if (s.get("stepName").asText().equals("failing step")) {
          failing = s.get("state").asText();
        }
      }
      assertEquals("STEP_SUCCESS", invoke, block.toString());
      assertEquals("STEP_FAILED", failing, block.toString());
      assertEquals(
          "RUN_FAILED",
          api.send("GET", logs, null).json().get("runs").get(0).get("workflowState").asText());
    }
  }

  /** Waits for the run to have failed; returns it as the logs show it. */
  private static JsonNode failedRun(Api api, String runId) {
    String logs = "/v2/workflows/logs?workflowRunId=" + runId;
    Poll.until(
        RUN_TIMEOUT,
        "run " + runId + " to fail",
        () -> api.send("GET", logs, null).body().contains("RUN_FAILED"));
    return api.send("GET", logs, null).json().get("runs").get(0);
  }
}
