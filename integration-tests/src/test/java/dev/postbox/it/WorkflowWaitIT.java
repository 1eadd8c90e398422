package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Waiting for events with the real {@code @upstash/workflow} 1.3.3 (docs/workflow.md): {@code
 * context.waitForEvent} woken by {@code Client.notify} or timed out, a lookback notify sent before
 * the wait, {@code Client.getWaiters}, {@code context.createWebhook} called by a plain HTTP client,
 * and a server killed mid-wait. Oracle: route call counts (a wait then one step costs 3 calls) and
 * what the routes recorded.
 */
class WorkflowWaitIT {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;

  private static String notify(WorkflowApp app, String eventId, String data, String runId) {
    String body =
        "{\"eventId\":\""
            + eventId
            + "\",\"eventData\":"
            + data
            + (runId == null ? "" : ",\"workflowRunId\":\"" + runId + "\"")
            + "}";
    Api.Response r = app.api.send("POST", "/wait-notify", body);
    assertEquals(200, r.status(), r.body() + "\n" + app.output());
    return r.body();
  }

  private static JsonNode waiters(WorkflowApp app, String eventId) {
    Api.Response r = app.api.send("GET", "/wait-waiters?eventId=" + eventId, null);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  @Test
  void eventsWakeWaitersTimeoutsFireAndLookbackEventsWait() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      // Woken by Client.notify: the event data reaches the step after the wait.
      String woken = app.trigger("/wait-event", "{\"eventId\":\"paid\"}", null);
      Poll.until(RUN_TIMEOUT, "the waiter", () -> waiters(app, "paid").size() == 1);
      JsonNode w = waiters(app, "paid").get(0);
      assertEquals(app.url + "/wait-event", w.get("url").asText());
      long deadline = w.get("deadline").asLong();
      long inADay = System.currentTimeMillis() / 1000 + 86_400;
      assertTrue(Math.abs(deadline - inADay) < 120, "deadline " + deadline + " (Unix seconds)");
      assertEquals(woken, w.get("headers").get("upstash-workflow-runid").get(0).asText());
      assertFalse(w.get("headers").has("authorization"), "the caller's token is not kept");
      JsonNode answer = Api.JSON.readTree(notify(app, "paid", "{\"amount\":42}", null));
      assertEquals(1, answer.size(), answer.toString());
      assertTrue(answer.get(0).get("messageId").asText().startsWith("msg_"), answer.toString());
      JsonNode seen = app.awaitResult(woken, RUN_TIMEOUT);
      assertEquals(42, seen.get("eventData").get("amount").asInt(), seen.toString());
      assertFalse(seen.get("timedOut").asBoolean());
      assertEquals(3, app.count("/wait-event"), "a wait and a step cost 3 calls");
      assertEquals("[]", notify(app, "paid", "1", null), "nobody waits any more");

      // Timed out: the run goes on with timeout true and no data.
      String late = app.trigger("/wait-event", "{\"eventId\":\"never\",\"timeout\":\"2s\"}", null);
      JsonNode timedOut = app.awaitResult(late, RUN_TIMEOUT);
      assertTrue(timedOut.get("timedOut").asBoolean(), timedOut.toString());
      assertTrue(timedOut.get("eventData").isNull());
      assertEquals(6, app.count("/wait-event"));
      assertEquals(0, waiters(app, "never").size());

      // Lookback: notified (with the run id) while the run still sleeps before its wait.
      String early =
          app.trigger("/wait-event", "{\"eventId\":\"ready\",\"pause\":2}", "wfr_lookback");
      assertEquals("[]", notify(app, "ready", "\"go\"", early), "kept, nobody woken yet");
      JsonNode got = app.awaitResult(early, RUN_TIMEOUT);
      assertEquals("go", got.get("eventData").asText(), got.toString());
      assertEquals(10, app.count("/wait-event"), "a sleep, a wait and a step cost 4 calls");

      // Two waits in parallel: the plan steps register them, each notify appends one result.
      String two = app.trigger("/wait-two", "{\"eventId\":\"pair\"}", null);
      Poll.until(
          RUN_TIMEOUT,
          "both waiters",
          () -> waiters(app, "pair-a").size() == 1 && waiters(app, "pair-b").size() == 1);
      notify(app, "pair-b", "\"b\"", null);
      Poll.until(RUN_TIMEOUT, "the first result's delivery", () -> app.count("/wait-two") == 4);
      notify(app, "pair-a", "\"a\"", null);
      assertEquals("[\"a\",\"b\"]", app.awaitResult(two, RUN_TIMEOUT).toString());
      assertEquals(6, app.count("/wait-two"), "plan, 2 waits, 2 results, the step: 6 calls");

      // Bad input is refused with 4xx.
      Api api = server.api();
      assertEquals(404, api.send("POST", "/v2/notify/wfr_nope/e", "x").status());
      assertEquals(400, api.send("POST", "/v2/wait/e", "{}").status(), "no run id");
      String pending = app.trigger("/wait-event", "{\"eventId\":\"held\"}", null);
      Poll.until(RUN_TIMEOUT, "the held waiter", () -> waiters(app, "held").size() == 1);
      String wait =
          "{\"url\":\""
              + app.url
              + "/wait-event\",\"timeout\":\"soon\",\"step\":{\"stepId\":"
              + "1,\"stepName\":\"w\",\"stepType\":\"Wait\"}}";
      Api.Response bad = api.send("POST", "/v2/wait/held", wait, "Upstash-Workflow-RunId", pending);
      assertEquals(400, bad.status(), bad.body());
      assertEquals(
          400,
          api.send("POST", "/v2/wait/held", "{\"url\":1}", "Upstash-Workflow-RunId", pending)
              .status());
      assertEquals(1, waiters(app, "held").size());
    }
  }

  @Test
  void aWebhookUrlCalledWithoutATokenWakesItsRun() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      String run = app.trigger("/wait-webhook", "{}", null);
      Poll.until(
          RUN_TIMEOUT,
          "the webhook URL",
          () -> app.api.send("GET", "/wait-hooks", null).json().has(run));
      URI hook = URI.create(app.api.send("GET", "/wait-hooks", null).json().get(run).asText());
      assertTrue(
          hook.getPath().startsWith("/v2/workflows/hooks/defaultUser/" + run + "/evt_"),
          hook.toString());
      Api anyone = new Api("http://127.0.0.1:" + server.port, null);
      String other = hook.getPath().replace("/defaultUser/", "/nobody/");
      assertEquals(404, anyone.send("POST", other, "x").status(), "unknown user");
      String otherRun = hook.getPath().replace("/" + run + "/", "/wfr_nope/");
      assertEquals(404, anyone.send("POST", otherRun, "x").status(), "unknown run");
      Api.Response called =
          anyone.send("POST", hook.getPath() + "?from=test", "hello", "x-sig", "s1");
      assertEquals(200, called.status(), called.body());
      JsonNode got = app.awaitResult(run, RUN_TIMEOUT);
      assertEquals("POST", got.get("method").asText(), got.toString());
      assertEquals("hello", got.get("body").asText());
      assertEquals("s1", got.get("sig").asText());
      assertTrue(got.get("url").asText().endsWith(hook.getPath() + "?from=test"), got.toString());
      assertEquals(5, app.count("/wait-webhook"), "createWebhook, a step, the wait, a step: 5");
    }
  }

  @Test
  void aRunWaitingWhenTheServerIsKilledIsWokenAfterTheRestart() throws Exception {
    Path data = work.resolve("data");
    int port = JarServer.freePort();
    JarServer first = JarServer.start(data, port, work.resolve("first.log"));
    try (first;
        WorkflowApp app = WorkflowApp.start(port, work.resolve("app.log"))) {
      String run = app.trigger("/wait-event", "{\"eventId\":\"restart\"}", null);
      Poll.until(RUN_TIMEOUT, "the waiter", () -> waiters(app, "restart").size() == 1);
      // The trigger's delivery has its outcome recorded: killed before that, it is repeated.
      Poll.until(
          RUN_TIMEOUT,
          "the outcome of the trigger's delivery",
          () ->
              first.api().send("GET", "/v2/logs?state=DELIVERED", null).json().get("events").size()
                  == 1);
      first.kill();
      try (JarServer restarted = JarServer.start(data, port, work.resolve("second.log"))) {
        assertEquals(1, waiters(app, "restart").size(), "the waiter survived the kill");
        notify(app, "restart", "\"after\"", null);
        JsonNode seen = app.awaitResult(run, RUN_TIMEOUT);
        assertEquals("after", seen.get("eventData").asText(), seen.toString());
        assertEquals(3, app.count("/wait-event"), app.output());
        assertEquals(0, waiters(app, "restart").size());
      }
    }
  }
}
