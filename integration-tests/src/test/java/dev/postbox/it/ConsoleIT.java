package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console (docs/console.md) end to end: the packaged server in dev mode, workflow runs
 * seeded by the workflow app (integration-tests/workflow-app), and integration-tests/console-e2e
 * driving Debian's headless Chromium through playwright-core: sign-in, publish and a message's
 * timeline (with its callbacks), cancel, the messages list, the logs (every filter, the live tail),
 * DLQ retry and delete (one and in bulk), workflow runs (steps, cancel, restart from the workflow
 * DLQ), the overview, schedules (create, the last states of a tick, pause, resume, delete: the
 * server runs with {@code --cron-seconds true} so a tick comes within seconds; edit; the next five
 * fire times), queues, URL groups, flow-control keys, signing keys, script payloads that must stay
 * text, the token kept out of every URL, labels, contrast and keyboard order. Needs {@code npm ci}
 * in console-e2e and workflow-app, and {@code /usr/bin/chromium} (.ci/run installs them).
 * Screenshots go to {@code target/console-screenshots}, or to {@code -Dpostbox.consoleScreenshots}
 * (docs/console is where the committed ones live).
 */
class ConsoleIT {
  /** The script has this many checks today; fewer passing means checks went missing. */
  private static final int MIN_CHECKS = 77;

  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path work;

  @Test
  void consoleWorksEndToEndInHeadlessChromium() throws Exception {
    Path dir = Path.of(System.getProperty("postbox.consoleE2eDir", "console-e2e")).toAbsolutePath();
    assertTrue(
        Files.isDirectory(dir.resolve("node_modules/playwright-core")),
        "run `npm ci --prefix integration-tests/console-e2e` first (missing node_modules)");
    String chromium = System.getProperty("postbox.chromium", "/usr/bin/chromium");
    assertTrue(
        Files.isExecutable(Path.of(chromium)),
        "install Debian's chromium first (apt-get install -y chromium): missing " + chromium);
    Path shots =
        Path.of(
                System.getProperty(
                    "postbox.consoleScreenshots",
                    Path.of("target", "console-screenshots").toString()))
            .toAbsolutePath();
    try (JarServer server =
            JarServer.start(
                work.resolve("data"), work.resolve("server.log"), "--cron-seconds", "true");
        WorkflowApp app = WorkflowApp.start(server.port, work.resolve("app.log"))) {
      String ok = app.trigger("/logs-three", "{\"n\":20}", null);
      String failed = app.trigger("/logs-fails", "{}", null);
      String sleeping = app.trigger("/logs-sleeps", "{}", null);
      String waiting = app.trigger("/wait-event", "{\"eventId\":\"console-paid\"}", null);
      assertEquals("\"done:42\"", app.awaitResult(ok, RUN_TIMEOUT).toString());
      app.awaitResult(sleeping, RUN_TIMEOUT); // its first step ran; it now sleeps
      Poll.until(
          RUN_TIMEOUT,
          "the failed run in the workflow DLQ",
          () ->
              server
                      .api()
                      .send("GET", "/v2/dlq?source=workflow&workflowRunId=" + failed, null)
                      .json()
                      .get("messages")
                      .size()
                  == 1);

      Poll.until(
          RUN_TIMEOUT,
          "the waiting run's waiter",
          () -> server.api().send("GET", "/v2/waiters/console-paid", null).json().size() == 1);

      File out = work.resolve("console-e2e.log").toFile();
      ProcessBuilder pb =
          new ProcessBuilder("node", "console.test.mjs")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out);
      pb.environment().put("POSTBOX_URL", "http://127.0.0.1:" + server.port);
      pb.environment().put("SCREENSHOTS", shots.toString());
      pb.environment().put("CHROMIUM", chromium);
      pb.environment().put("RUN_OK", ok);
      pb.environment().put("RUN_FAILED", failed);
      pb.environment().put("RUN_SLEEPING", sleeping);
      pb.environment().put("RUN_WAITING", waiting);
      pb.environment().put("WAIT_EVENT", "console-paid");
      Process p = pb.start();
      boolean done = p.waitFor(5, TimeUnit.MINUTES);
      if (!done) {
        p.destroyForcibly();
      }
      String output = JarServer.read(out);
      System.out.println(output);
      assertTrue(done, "console e2e timed out:\n" + output);
      assertEquals(0, p.exitValue(), "console e2e failed:\n" + output);
      Matcher pass = Pattern.compile("(?m)^# pass (\\d+)$").matcher(output);
      assertTrue(pass.find(), "no summary in the output:\n" + output);
      assertTrue(
          Integer.parseInt(pass.group(1)) >= MIN_CHECKS, "too few checks ran: " + pass.group(1));
      assertTrue(output.contains("# fail 0"), output);
      assertFalse(output.contains("# skip"), "a part was skipped:\n" + output);
    }
  }
}
