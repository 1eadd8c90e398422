package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postbox.core.tenant.DevTenants;
import dev.postbox.core.tenant.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node app of integration-tests/workflow-app: real {@code @upstash/workflow} routes on plain
 * node:http, pointed at a Postbox server with the dev user's token and signing keys (so every
 * delivery's signature is checked by the SDK's own Receiver). Needs {@code npm ci} in that
 * directory first. {@link #close()} kills the process.
 */
final class WorkflowApp implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening (\\d+)");

  private final Process process;
  private final Path log;
  final String url;
  final Api api;

  private WorkflowApp(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.url = "http://127.0.0.1:" + port;
    this.api = new Api(url, null);
  }

  static WorkflowApp start(int serverPort, Path log) throws Exception {
    Path dir =
        Path.of(System.getProperty("postbox.workflowAppDir", "workflow-app")).toAbsolutePath();
    assertTrue(
        Files.isDirectory(dir.resolve("node_modules/@upstash/workflow")),
        "run `npm ci --prefix integration-tests/workflow-app` first (missing node_modules)");
    SigningKeys keys = DevTenants.DEFAULT_USER.initialKeys();
    ProcessBuilder pb =
        new ProcessBuilder("node", "app.mjs")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("QSTASH_URL", "http://127.0.0.1:" + serverPort);
    pb.environment().put("QSTASH_TOKEN", DevTenants.DEFAULT_USER.token());
    pb.environment().put("QSTASH_CURRENT_SIGNING_KEY", keys.current());
    pb.environment().put("QSTASH_NEXT_SIGNING_KEY", keys.next());
    pb.environment().put("PORT", "0");
    pb.environment().remove("QSTASH_DEV");
    pb.environment().remove("UPSTASH_WORKFLOW_URL");
    Process p = pb.start();
    int[] port = new int[1];
    try {
      Poll.until(
          Duration.ofSeconds(30),
          "the workflow app to listen (log: " + log + ")",
          () -> {
            if (!p.isAlive()) {
              throw new AssertionError("workflow app exited: " + JarServer.read(log.toFile()));
            }
            Matcher m = LISTENING.matcher(JarServer.read(log.toFile()));
            if (m.find()) {
              port[0] = Integer.parseInt(m.group(1));
              return true;
            }
            return false;
          });
    } catch (RuntimeException | Error e) {
      p.destroyForcibly();
      throw e;
    }
    return new WorkflowApp(p, log, port[0]);
  }

  /** Starts a run of {@code route} through the SDK's {@code Client.trigger}; returns its id. */
  String trigger(String route, String bodyJson, String runId) {
    StringBuilder t = new StringBuilder("{\"route\":\"").append(route).append('"');
    if (bodyJson != null) {
      t.append(",\"body\":").append(bodyJson);
    }
    if (runId != null) {
      t.append(",\"workflowRunId\":\"").append(runId).append('"');
    }
    Api.Response r = api.send("POST", "/trigger", t.append('}').toString());
    if (r.status() != 200) {
      throw new AssertionError("trigger failed: " + r.body() + "\n" + output());
    }
    return r.json().get("workflowRunId").asText();
  }

  /** Calls per route so far (workflow deliveries included). */
  int count(String route) {
    JsonNode n = api.send("GET", "/counts", null).json().get(route);
    return n == null ? 0 : n.asInt();
  }

  /** The statuses a route answered so far, in order. */
  String statuses(String route) {
    JsonNode n = api.send("GET", "/statuses", null).json().get(route);
    return n == null ? "[]" : n.toString();
  }

  /** The run's final result as the workflow recorded it, or null while it has not finished. */
  JsonNode result(String runId) {
    return api.send("GET", "/results", null).json().get(runId);
  }

  /** The SDK's {@code Client.dlq.list} with this query (its filter, cursor and count). */
  JsonNode dlqList(String query) {
    Api.Response r = api.send("GET", "/dlq?" + query, null);
    if (r.status() != 200) {
      throw new AssertionError("dlq.list failed: " + r.body() + "\n" + output());
    }
    return r.json();
  }

  /** Waits until the run has finished; returns its result. */
  JsonNode awaitResult(String runId, Duration timeout) {
    Poll.until(
        timeout, "workflow run " + runId + " to finish\n" + log, () -> result(runId) != null);
    return result(runId);
  }

  String output() {
    return JarServer.read(log.toFile());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
