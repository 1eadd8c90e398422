package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workflow logs with the real {@code @upstash/workflow} 1.3.3 (docs/workflow.md): after a run
 * that succeeds, one that fails and one that is cancelled, the SDK's {@code Client.logs} answers
 * each with its state, steps and response, newest first, and its cursor walks them all.
 */
class WorkflowLogsIT {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void clientLogsShowsEachRunsStateStepsAndResponseAndPagesWithItsCursor() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      String ok = app.trigger("/logs-three", "{\"n\":20}", null);
      assertEquals("\"done:42\"", app.awaitResult(ok, RUN_TIMEOUT).toString());
      String failed = app.trigger("/logs-fails", "{}", null);
      Poll.until(
          RUN_TIMEOUT,
          "the run to fail",
          () -> state(logs(app, "workflowRunId=" + failed)).equals("RUN_FAILED"));
      String cancelled = app.trigger("/logs-sleeps", "{}", null);
      app.awaitResult(cancelled, RUN_TIMEOUT); // its first step ran; it now sleeps
      Poll.until(
          RUN_TIMEOUT,
          "the sleep step to be published",
          () -> run(logs(app, "workflowRunId=" + cancelled)).get("steps").size() >= 3);
      JsonNode going = run(logs(app, "workflowRunId=" + cancelled));
      assertEquals("RUN_STARTED", going.get("workflowState").asText(), going.toString());
      JsonNode waiting = last(going.get("steps"));
      assertEquals("next", waiting.get("type").asText(), going.toString());
      assertEquals("STEP_PROGRESS", waiting.get("steps").get(0).get("state").asText());
      assertEquals(
          1,
          app.api
              .send("POST", "/logs-cancel?id=" + cancelled, null)
              .json()
              .get("cancelled")
              .asInt());

      // The succeeded run: init, then the three steps with their outputs, and its response.
      JsonNode s = run(logs(app, "workflowRunId=" + ok));
      assertEquals("RUN_SUCCESS", s.get("workflowState").asText(), s.toString());
      assertEquals(app.url + "/logs-three", s.get("workflowUrl").asText());
      assertEquals("\"done:42\"", s.get("workflowRunResponse").asText(), s.toString());
      assertTrue(
          s.get("workflowRunCompletedAt").asLong() >= s.get("workflowRunCreatedAt").asLong());
      JsonNode groups = s.get("steps");
      assertEquals(4, groups.size(), s.toString());
      JsonNode init = only(groups.get(0));
      assertEquals("init", init.get("stepName").asText());
      assertEquals("Initial", init.get("stepType").asText());
      assertEquals("{\"n\":20}", init.get("out").asText());
      String[] names = {"one", "two", "three"};
      String[] outs = {"21", "42", "\"done:42\""};
      for (int i = 0; i < 3; i++) {
        JsonNode step = only(groups.get(i + 1));
        assertEquals(names[i], step.get("stepName").asText(), s.toString());
        assertEquals("Run", step.get("stepType").asText());
        assertEquals(i + 1, step.get("stepId").asInt());
        assertEquals(outs[i], step.get("out").asText(), s.toString());
        assertEquals("STEP_SUCCESS", step.get("state").asText());
        assertTrue(step.get("createdAt").asLong() >= s.get("workflowRunCreatedAt").asLong());
      }

      // The failed run: its first step, then the failed message as the next group.
      JsonNode f = run(logs(app, "workflowRunId=" + failed));
      assertFalse(f.has("workflowRunResponse"), f.toString());
      JsonNode fg = f.get("steps");
      assertEquals("prepare", only(fg.get(1)).get("stepName").asText(), f.toString());
      assertEquals("\"ready\"", only(fg.get(1)).get("out").asText());
      JsonNode failedNext = last(fg);
      assertEquals("next", failedNext.get("type").asText(), f.toString());
      assertEquals("STEP_FAILED", failedNext.get("steps").get(0).get("state").asText());
      assertFalse(failedNext.get("steps").get(0).get("errors").isEmpty(), f.toString());

      // The cancelled run.
      JsonNode c = run(logs(app, "workflowRunId=" + cancelled));
      assertEquals("RUN_CANCELED", c.get("workflowState").asText(), c.toString());
      assertEquals("before", only(c.get("steps").get(1)).get("stepName").asText(), c.toString());
      assertEquals("STEP_CANCELED", last(c.get("steps")).get("steps").get(0).get("state").asText());

      // Newest first; a filter by state; count=1 with the cursor walks all three runs.
      JsonNode all = logs(app, "");
      assertEquals(List.of(cancelled, failed, ok), ids(all), all.toString());
      assertNull(all.get("cursor"), all.toString());
      assertEquals(List.of(failed), ids(logs(app, "state=RUN_FAILED")));
      assertEquals(List.of(ok), ids(logs(app, "workflowUrl=" + app.url + "/logs-three")));
      List<String> walked = new ArrayList<>();
      String cursor = null;
      for (int page = 0; page < 10; page++) {
        JsonNode p = logs(app, "count=1" + (cursor == null ? "" : "&cursor=" + cursor));
        assertTrue(p.get("runs").size() <= 1, p.toString());
        walked.addAll(ids(p));
        cursor = p.hasNonNull("cursor") ? p.get("cursor").asText() : null;
        if (cursor == null) {
          break;
        }
      }
      assertEquals(List.of(cancelled, failed, ok), walked);

      // The same list at /v2/workflows/logs.
      Api.Response direct = server.api().send("GET", "/v2/workflows/logs?count=2", null);
      assertEquals(200, direct.status(), direct.body());
      assertEquals(List.of(cancelled, failed), ids(direct.json()));
      assertEquals(
          400, server.api().send("GET", "/v2/workflows/logs?state=RUNNING", null).status());
    }
  }

  private static JsonNode logs(WorkflowApp app, String query) {
    Api.Response r = app.api.send("GET", "/logs?" + query, null);
    if (r.status() != 200) {
      throw new AssertionError("logs failed: " + r.body() + "\n" + app.output());
    }
    return r.json();
  }

  private static String state(JsonNode logs) {
    return logs.get("runs").isEmpty() ? "" : run(logs).get("workflowState").asText();
  }

  private static JsonNode run(JsonNode logs) {
    assertEquals(1, logs.get("runs").size(), logs.toString());
    return logs.get("runs").get(0);
  }

  private static JsonNode only(JsonNode group) {
    assertEquals("sequential", group.get("type").asText(), group.toString());
    assertEquals(1, group.get("steps").size(), group.toString());
    return group.get("steps").get(0);
  }

  private static JsonNode last(JsonNode array) {
    return array.get(array.size() - 1);
  }

  private static List<String> ids(JsonNode logs) {
    List<String> out = new ArrayList<>();
    logs.get("runs").forEach(r -> out.add(r.get("workflowRunId").asText()));
    return out;
  }
}
