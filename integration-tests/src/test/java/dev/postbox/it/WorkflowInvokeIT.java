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
 * {@code context.invoke} with the real {@code @upstash/workflow} 1.3.3 (docs/workflow.md): a parent
 * run invokes a child that returns a value and one that fails; each outcome comes back to the
 * parent as its Invoke step and the parent goes on. Routes: workflow-app/routes/invoke.mjs.
 */
class WorkflowInvokeIT {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void theParentGetsTheChildsResultThenSeesTheOtherChildFail() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      String run = app.trigger("/invoke/parent", "{\"n\":4}", null);
      JsonNode r = app.awaitResult(run, RUN_TIMEOUT);
      assertEquals(5, r.get("a").asInt(), r.toString());
      JsonNode ok = r.get("ok");
      assertEquals(10, ok.get("body").get("doubled").asInt(), r.toString());
      assertFalse(ok.get("isFailed").asBoolean(), r.toString());
      assertFalse(ok.get("isCanceled").asBoolean(), r.toString());
      JsonNode bad = r.get("bad");
      assertTrue(bad.get("isFailed").asBoolean(), r.toString());
      assertFalse(bad.get("isCanceled").asBoolean(), r.toString());
      assertFalse(bad.has("body"), r.toString());

      // The child got the invoke body as its payload and the header the parent gave it.
      JsonNode child = null;
      for (var it = app.api.send("GET", "/results", null).json().fields(); it.hasNext(); ) {
        var e = it.next();
        if (e.getKey().startsWith("child-ok:")) {
          child = e.getValue();
        }
      }
      assertTrue(child != null, app.output());
      assertEquals(5, child.get("payload").get("n").asInt(), child.toString());
      assertEquals("parent", child.get("from").asText(), child.toString());

      // Calls: the parent's trigger, its step, one call after each child's end and its last
      // step (5); the child that returns: trigger and step (2); the child that fails: its step
      // (489) and its failure callback (2).
      Poll.until(
          RUN_TIMEOUT,
          "the failing child's failure callback",
          () -> app.count("/invoke/child-fails") >= 2);
      Poll.until(RUN_TIMEOUT, "the parent's end", () -> ended(server.api(), run));
      assertEquals(5, app.count("/invoke/parent"), app.output());
      assertEquals(2, app.count("/invoke/child-ok"), app.output());
      assertEquals(2, app.count("/invoke/child-fails"), app.output());
      assertEquals("[489,200]", app.statuses("/invoke/child-fails"));

      // Every call of an invoked run carries its invoke count; the parent's carry none.
      JsonNode counts = app.api.send("GET", "/invoke/counts", null).json();
      assertEquals("[null,null,null,null,null]", counts.get("/invoke/parent").toString());
      assertEquals("[\"1\",\"1\"]", counts.get("/invoke/child-ok").toString());
      assertEquals("[\"1\",\"1\"]", counts.get("/invoke/child-fails").toString());
    }
  }

  @Test
  void twoInvokesInParallelBothComeBack() throws Exception {
    try (JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"));
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      String run = app.trigger("/invoke/parallel", "{}", null);
      JsonNode r = app.awaitResult(run, RUN_TIMEOUT);
      assertEquals(2, r.get("x").asInt(), r.toString());
      assertEquals(4, r.get("y").asInt(), r.toString());
      Poll.until(RUN_TIMEOUT, "the parent's end", () -> ended(server.api(), run));
      assertEquals(5, app.count("/invoke/parallel"), app.output());
      assertEquals(4, app.count("/invoke/child-ok"), app.output());
    }
  }

  private static boolean ended(Api api, String run) {
    Api.Response r = api.send("GET", "/v2/workflows/runs/" + run, null);
    return r.status() == 404 && r.body().contains("has ended");
  }
}
