package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code context.call} of the real {@code @upstash/workflow} 1.3.3 on the packaged server
 * (docs/workflow.md): the workflow routes of integration-tests/workflow-app/routes/call.mjs call
 * plain endpoints of the same app. The oracle is the call counts of both and the results the
 * workflows record.
 */
class WorkflowCallIT {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void callsSucceedFailWithRetriesAndTimeOutAndTheWorkflowsGoOnWithTheirAnswers() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      String ok = app.trigger("/call/ok", "{\"n\":5}", null);
      String failing = app.trigger("/call/failing", "{}", null);
      String timeout = app.trigger("/call/timeout", "{}", null);

      // While /call/ok sleeps after its call, its history holds the call and its answer.
      Api api = server.api();
      List<String> types = new ArrayList<>();
      Poll.until(
          RUN_TIMEOUT,
          "the history of " + ok + " to hold the call's answer",
          () -> {
            Api.Response h = api.send("GET", "/v2/workflows/runs/" + ok, null);
            types.clear();
            if (h.status() == 200) {
              h.json().forEach(e -> types.add(e.get("callType").asText()));
            }
            return types.contains("fromCallback");
          });
      Api.Response history = api.send("GET", "/v2/workflows/runs/" + ok, null);
      assertEquals(200, history.status(), "the run goes on: " + history.body());
      JsonNode entries = history.json();
      assertEquals("toCallback", entries.get(1).get("callType").asText(), history.body());
      assertEquals("fromCallback", entries.get(2).get("callType").asText(), history.body());
      JsonNode answer =
          Api.JSON.readTree(Base64.getDecoder().decode(entries.get(2).get("body").asText()));
      assertEquals(200, answer.get("status").asInt(), answer.toString());
      assertEquals(
          entries.get(1).get("messageId").asText(),
          answer.get("sourceMessageId").asText(),
          answer.toString());

      JsonNode okResult = app.awaitResult(ok, RUN_TIMEOUT);
      assertEquals(200, okResult.get("status").asInt(), okResult.toString());
      JsonNode echoed = okResult.get("echoed");
      assertEquals("POST", echoed.get("method").asText(), okResult.toString());
      assertEquals("{\"n\":5}", echoed.get("body").asText(), okResult.toString());
      assertEquals("yes", echoed.get("header").asText(), okResult.toString());
      assertEquals(1, app.count("/call/echo"));
      // Trigger, the call's answer, its result step, the sleep's end, the last step.
      assertEquals(5, app.count("/call/ok"), app.output());

      JsonNode failed = app.awaitResult(failing, RUN_TIMEOUT);
      assertEquals(500, failed.get("status").asInt(), failed.toString());
      assertEquals("nope", failed.get("body").asText(), failed.toString());
      assertEquals(3, app.count("/call/fail"), "1 attempt + 2 retries");
      // Trigger, one callback (the last attempt's: the retried ones call nothing back, as QStash
      // does for a workflow's call), the result step, the last step.
      assertEquals(4, app.count("/call/failing"), app.output());

      JsonNode timedOut = app.awaitResult(timeout, RUN_TIMEOUT);
      assertEquals(0, timedOut.get("status").asInt(), "no answer within 1 s: " + timedOut);
      assertEquals(1, app.count("/call/slow"));
      assertEquals(4, app.count("/call/timeout"), app.output());

      Api.Response dlq = api.send("GET", "/v2/dlq", null);
      assertEquals(2, dlq.json().get("messages").size(), "the two failed calls: " + dlq.body());
      assertTrue(dlq.body().contains("/call/fail"), dlq.body());
    }
  }
}
