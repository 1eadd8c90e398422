package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstash Workflow apps run unchanged on Postbox (docs/workflow.md): the real {@code
 * @upstash/workflow} 1.3.3 (integration-tests/workflow-app) against the packaged server. The oracle
 * is the SDK's call count: N sequential steps cost N + 1 calls of the route.
 */
class WorkflowIT {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void sequentialParallelAndSleepingStepsAndABodilessTriggerComplete() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      String three = app.trigger("/three", "{\"n\":1,\"name\":\"x\"}", null);
      assertEquals("x:4", app.awaitResult(three, RUN_TIMEOUT).asText(), app.output());
      assertEquals(4, app.count("/three"), "3 steps cost 4 calls");

      String nobody = app.trigger("/nobody", null, null);
      assertEquals("none", app.awaitResult(nobody, RUN_TIMEOUT).asText());
      assertEquals(2, app.count("/nobody"));

      // Promise.all of two steps, then a third: trigger, 2 plan steps, 2 results, the last step.
      String parallel = app.trigger("/parallel", "{}", null);
      assertEquals(42, app.awaitResult(parallel, RUN_TIMEOUT).asInt());
      assertEquals(6, app.count("/parallel"));

      String sleep = app.trigger("/sleep", "{}", null);
      JsonNode slept = app.awaitResult(sleep, RUN_TIMEOUT);
      assertTrue(slept.get("slept").asLong() >= 2000, "slept " + slept);
      assertEquals(4, app.count("/sleep"));

      // An ended run: its history is gone (404), a new step is refused (400), and its run id
      // triggered again is answered as a duplicate (nothing delivered).
      Api api = server.api();
      Api.Response history = api.send("GET", "/v2/workflows/runs/" + three, null);
      assertEquals(404, history.status(), history.body());
      assertTrue(history.json().has("error"), history.body());
      Api.Response append = api.send("POST", "/v2/batch", stepBatch(three, app, "false"));
      assertEquals(400, append.status(), append.body());
      Api.Response again = api.send("POST", "/v2/batch", stepBatch(three, app, "true"));
      assertEquals(200, again.status(), again.body());
      assertTrue(again.json().get(0).get("deduplicated").asBoolean(), again.body());
      String later = app.trigger("/three", "{\"n\":2,\"name\":\"y\"}", null);
      assertEquals("y:6", app.awaitResult(later, RUN_TIMEOUT).asText());
      assertEquals(8, app.count("/three"), "the duplicate trigger delivered nothing");

      Api.Response unknown = api.send("DELETE", "/v2/workflows/runs/wfr_unknown?cancel=true", null);
      assertEquals(404, unknown.status(), unknown.body());
      Api.Response cancelled =
          api.send("DELETE", "/v2/workflows/runs?workflowRunIds=" + three, null);
      assertEquals(0, cancelled.json().get("cancelled").asInt(), cancelled.body());
    }
  }

  @Test
  void aStepThatFailsForGoodFailsTheRunAndItsFailureCallbackIsAnswered() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      String run = app.trigger("/fails", "{}", null);
      // The step fails in the trigger's delivery (489, non-retryable); the failure callback goes
      // to the same route, which has no failure function and answers 200 (500 without the run id).
      Poll.until(RUN_TIMEOUT, "the failure callback", () -> app.count("/fails") >= 2);
      Poll.until(RUN_TIMEOUT, "its answer", () -> app.statuses("/fails").equals("[489,200]"));
      Api api = server.api();
      assertEquals(404, api.send("GET", "/v2/workflows/runs/" + run, null).status());
      Api.Response dlq = api.send("GET", "/v2/dlq", null);
      assertEquals(1, dlq.json().get("messages").size(), dlq.body());
    }
  }

  /** A batch of one workflow message of {@code runId} with the given init flag. */
  private static String stepBatch(String runId, WorkflowApp app, String init) {
    return "[{\"destination\":\""
        + app.url
        + "/three\",\"body\":\"{}\",\"headers\":{"
        + "\"Upstash-Workflow-RunId\":\""
        + runId
        + "\",\"Upstash-Workflow-Init\":\""
        + init
        + "\",\"Upstash-Feature-Set\":\"LazyFetch,InitialBody,WF_DetectTrigger,WF_TriggerOnConfig\""
        + "}}]";
  }

  @Test
  void aRunSleepingWhenTheServerIsKilledCompletesAfterTheRestart() throws Exception {
    Path data = work.resolve("data");
    int port = JarServer.freePort();
    JarServer first = JarServer.start(data, port, work.resolve("first.log"));
    try (first;
        WorkflowApp app = WorkflowApp.start(port, work.resolve("app.log"))) {
      String run = app.trigger("/sleep", "{}", null);
      // Mid-sleep: the sleep step is stored (trigger, first step, sleep step), not yet due.
      Poll.until(
          RUN_TIMEOUT,
          "the sleep step to be stored",
          () -> {
            Api.Response h = first.api().send("GET", "/v2/workflows/runs/" + run, null);
            return h.status() == 200 && h.json().size() == 3;
          });
      assertEquals(null, app.result(run));
      // And the two deliveries that published those steps have their outcome recorded: a kill
      // before that repeats one of them (at least once), and the call count below would be 5.
      // (This server's data dir holds this run only.)
      String delivered = "/v2/logs?state=DELIVERED";
      Poll.until(
          RUN_TIMEOUT,
          "the outcomes of the two deliveries before the sleep",
          () -> first.api().send("GET", delivered, null).json().get("events").size() == 2);
      first.kill();
      try (JarServer restarted = JarServer.start(data, port, work.resolve("second.log"))) {
        JsonNode slept = app.awaitResult(run, RUN_TIMEOUT);
        assertTrue(slept.get("slept").asLong() >= 2000, "slept " + slept);
        assertEquals(4, app.count("/sleep"), app.output());
        // The SDK ends the run (DELETE) after the last step recorded its result: wait for it.
        Poll.until(
            RUN_TIMEOUT,
            "the run to end (404)",
            () -> restarted.api().send("GET", "/v2/workflows/runs/" + run, null).status() == 404);
      }
    }
  }
}
