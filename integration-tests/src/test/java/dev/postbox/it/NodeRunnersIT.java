package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Vitest and Jest set-ups of integration-tests/node-runners (docs/testing.md): each runner's
 * global set-up starts the packaged server with {@code --port 0 --test-mode}, the sample app test
 * (delay, retries to the DLQ with the failure callback, cron) passes on it, and the server is
 * stopped after the run. Needs {@code npm ci} in integration-tests/node-runners first.
 */
class NodeRunnersIT {
  private static final Path DIR =
      Path.of(System.getProperty("postbox.nodeRunnersDir", "node-runners")).toAbsolutePath();

  @Test
  void vitestRunsTheSampleAppTestOnAServerItsGlobalSetupStarted() throws Exception {
    String out = run("vitest.log", "node_modules/.bin/vitest", "run");
    assertTrue(out.contains("3 passed"), out);
  }

  @Test
  void jestRunsTheSampleAppTestOnAServerItsGlobalSetupStarted() throws Exception {
    String out = run("jest.log", "node_modules/.bin/jest");
    assertTrue(out.contains("Tests:       3 passed, 3 total"), out);
  }

  private static String run(String log, String... cmd) throws Exception {
    assertTrue(
        Files.isDirectory(DIR.resolve("node_modules/vitest"))
            && Files.isDirectory(DIR.resolve("node_modules/jest")),
        "run `npm ci --prefix integration-tests/node-runners` first (missing " + DIR + ")");
    File output = DIR.resolve(log).toFile();
    ProcessBuilder pb =
        new ProcessBuilder(List.of(cmd))
            .directory(DIR.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output);
    pb.environment()
        .put(
            "POSTBOX_JAR",
            Path.of(System.getProperty("postbox.jar", "../broker-app/target/postbox.jar"))
                .toAbsolutePath()
                .toString());
    pb.environment().put("CI", "true");
    Process p = pb.start();
    boolean done = p.waitFor(3, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String out = Files.readString(output.toPath());
    assertTrue(done, cmd[0] + " timed out:\n" + out);
    assertEquals(0, p.exitValue(), cmd[0] + " failed:\n" + out);
    return out;
  }
}
