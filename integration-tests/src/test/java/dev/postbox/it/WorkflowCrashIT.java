package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workflow runs survive {@code kill -9} of the server in the middle of a parallel block and in the
 * middle of a {@code context.call} (docs/workflow.md): after a restart on the same data directory
 * both complete with the results they would have had. Each test has a server (and data directory)
 * of its own, holding its one run, so that the delivery logs count that run's deliveries only.
 */
class WorkflowCrashIT {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void aRunKilledWhileItsParallelBranchesSleepCompletesAfterTheRestart() throws Exception {
    Path data = work.resolve("data");
    int port = JarServer.freePort();
    JarServer first = JarServer.start(data, port, work.resolve("first.log"));
    try (first;
        WorkflowApp app = WorkflowApp.start(port, work.resolve("app.log"))) {
      String run = app.trigger("/call/parallel-sleep", "{}", null);
      // Mid-block: the history holds the trigger, the first step and the block's two plan steps,
      // which sleep (due in 2 s); and both deliveries so far have their outcome recorded (else
      // at-least-once repeats one of them after the restart).
      StringBuilder seen = new StringBuilder();
      Poll.until(
          RUN_TIMEOUT,
          "the sleeping branches to be stored",
          () -> {
            Api.Response h = first.api().send("GET", "/v2/workflows/runs/" + run, null);
            seen.setLength(0);
            seen.append(h.body());
            return h.status() == 200 && h.json().size() == 4 && allDeliveriesRecorded(first, app);
          });
      assertNull(app.result(run), seen.toString());
      first.kill();
      try (JarServer restarted = JarServer.start(data, port, work.resolve("second.log"))) {
        JsonNode result = app.awaitResult(run, RUN_TIMEOUT);
        assertTrue(result.get("slept").asLong() >= 2000, "slept " + result);
        // Trigger, first step, two plan steps, two results, the last step.
        assertEquals(7, app.count("/call/parallel-sleep"), seen + "\n" + app.output());
        // The route records its result before the SDK ends the run: the end comes just after.
        Poll.until(
            RUN_TIMEOUT,
            "the run to end",
            () -> restarted.api().send("GET", "/v2/workflows/runs/" + run, null).status() == 404);
      }
    }
  }

  @Test
  void aRunKilledWhileItsCallIsInFlightCompletesAfterTheRestart() throws Exception {
    Path data = work.resolve("data");
    int port = JarServer.freePort();
    JarServer first = JarServer.start(data, port, work.resolve("first.log"));
    try (first;
        WorkflowApp app = WorkflowApp.start(port, work.resolve("app.log"))) {
      String run = app.trigger("/call/slowly", "{}", null);
      // The called endpoint has the request (it answers after 3 s) and the trigger's delivery,
      // which published the call, has its outcome recorded.
      Poll.until(
          RUN_TIMEOUT,
          "the call to be in flight",
          () -> app.count("/call/slow") == 1 && allDeliveriesRecorded(first, app));
      first.kill();
      assertNull(app.result(run));
      try (JarServer restarted = JarServer.start(data, port, work.resolve("second.log"))) {
        JsonNode result = app.awaitResult(run, RUN_TIMEOUT);
        assertEquals(200, result.get("status").asInt(), result.toString());
        assertEquals(3000, result.get("body").get("slow").asInt(), result.toString());
        // The attempt the kill cut short is made again (at least once): the endpoint is called
        // twice; the workflow sees one answer.
        assertEquals(2, app.count("/call/slow"), app.output());
        assertEquals(4, app.count("/call/slowly"), app.output());
        // The route records its result before the SDK ends the run: the end comes just after.
        Poll.until(
            RUN_TIMEOUT,
            "the run to end",
            () -> restarted.api().send("GET", "/v2/workflows/runs/" + run, null).status() == 404);
      }
    }
  }

  /** Every delivery of the workflow route so far has its DELIVERED outcome logged. */
  private static boolean allDeliveriesRecorded(JarServer server, WorkflowApp app) {
    int delivered =
        server.api().send("GET", "/v2/logs?state=DELIVERED", null).json().get("events").size();
    int routeCalls = app.count("/call/parallel-sleep") + app.count("/call/slowly");
    return delivered == routeCalls;
  }
}
