package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v2/trigger/{workflowUrl}} and {@code POST /v2/batch/trigger} from plain HTTP, with
 * the real {@code @upstash/workflow} 1.3.3 route (docs/workflow.md), with {@code
 * Upstash-Workflow-Unknown-Sdk: true}: the server asks the route to trigger the run, the SDK does,
 * and the run goes on as with {@code Client.trigger} (without the header the run starts at once:
 * WorkflowEdgeRunsIT). Routes: workflow-app/routes/trigger.mjs.
 */
class WorkflowTriggerIT {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void aServerTriggeredRunCompletesWithTheRequestsHeadersAndLabel() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      Api api = server.api();
      Api.Response t =
          api.send(
              "POST",
              "/v2/trigger/" + app.url + "/rest/steps",
              "{\"n\":2}",
              "Content-Type",
              "application/json",
              "Upstash-Workflow-RunId",
              "wfr_rest-1",
              "Upstash-Forward-X-User",
              "alice",
              "Upstash-Label",
              "rest",
              "Upstash-Retries",
              "1",
              "Upstash-Workflow-Unknown-Sdk",
              "true");
      assertEquals(200, t.status(), t.body());
      assertEquals("wfr_rest-1", t.json().get("workflowRunId").asText());
      assertTrue(t.json().get("workflowCreatedAt").asLong() > 0, t.body());

      JsonNode r = app.awaitResult("wfr_rest-1", RUN_TIMEOUT);
      assertEquals(30, r.get("b").asInt(), r.toString());
      assertEquals(2, r.get("payload").get("n").asInt(), r.toString());
      assertEquals("alice", r.get("user").asText(), r.toString());
      assertEquals("rest", r.get("label").asText(), r.toString());
      Poll.until(RUN_TIMEOUT, "the run's end", () -> ended(api, "wfr_rest-1"));
      // The server's request to trigger, then the trigger and two steps.
      assertEquals(4, app.count("/rest/steps"), app.output());

      Api.Response again =
          api.send(
              "POST",
              "/v2/trigger/" + app.url + "/rest/steps",
              "{\"n\":9}",
              "Upstash-Workflow-RunId",
              "wfr_rest-1");
      assertEquals(200, again.status(), again.body());
      assertTrue(again.json().get("deduplicated").asBoolean(), again.body());
      assertEquals(
          t.json().get("workflowCreatedAt").asLong(),
          again.json().get("workflowCreatedAt").asLong());

      // A batch of two runs, one without a run id.
      Api.Response batch =
          api.send(
              "POST",
              "/v2/batch/trigger",
              "[{\"destination\":\""
                  + app.url
                  + "/rest/steps\",\"body\":\"{\\\"n\\\":3}\","
                  + "\"headers\":{\"Upstash-Workflow-RunId\":\"wfr_rest-2\","
                  + "\"Upstash-Workflow-Unknown-Sdk\":\"true\"}},"
                  + "{\"destination\":\""
                  + app.url
                  + "/rest/steps\",\"body\":\"{\\\"n\\\":4}\","
                  + "\"headers\":{\"Upstash-Workflow-Unknown-Sdk\":\"true\"}}]");
      assertEquals(200, batch.status(), batch.body());
      JsonNode runs = batch.json();
      assertEquals("wfr_rest-2", runs.get(0).get("workflowRunId").asText());
      assertFalse(runs.get(0).get("deduplicated").asBoolean());
      String generated = runs.get(1).get("workflowRunId").asText();
      assertTrue(generated.startsWith("wfr_"), generated);
      assertEquals(40, app.awaitResult("wfr_rest-2", RUN_TIMEOUT).get("b").asInt());
      assertEquals(50, app.awaitResult(generated, RUN_TIMEOUT).get("b").asInt());
      Poll.until(RUN_TIMEOUT, "both runs' ends", () -> ended(api, "wfr_rest-2"));
      Poll.until(RUN_TIMEOUT, "both runs' ends", () -> ended(api, generated));
      assertEquals(12, app.count("/rest/steps"), app.output());
    }
  }

  @Test
  void aTriggerToANonWorkflowUrlFailsTheRun() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      Api api = server.api();
      Api.Response t =
          api.send(
              "POST",
              "/v2/trigger/" + app.url + "/rest/plain",
              "{}",
              "Upstash-Workflow-RunId",
              "wfr_plain");
      assertEquals(200, t.status(), t.body());
      Poll.until(RUN_TIMEOUT, "the run to fail", () -> ended(api, "wfr_plain"));
      assertEquals("1", app.api.send("GET", "/rest/plain", null).body());
      assertEquals(
          400,
          api.send("POST", "/v2/trigger/" + app.url + "/rest/plain", "", "Upstash-Retries", "x")
              .status());
    }
  }

  private static boolean ended(Api api, String run) {
    Api.Response r = api.send("GET", "/v2/workflows/runs/" + run, null);
    return r.status() == 404 && r.body().contains("has ended");
  }
}
