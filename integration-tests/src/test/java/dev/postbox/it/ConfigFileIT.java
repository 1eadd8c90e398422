package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postbox.core.tenant.DevTenants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server started with {@code --config postbox.yaml} defining two tenants: each sees
 * and changes only its own messages, logs, schedules, queues, URL groups, flow-control keys, DLQ
 * entries and workflow runs; the other's ids are a 404 or an empty list. A bad file stops the
 * server, naming the line.
 */
class ConfigFileIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String ACME_TOKEN = "acme-token-0123456789";
  private static final String BETA_TOKEN = "beta-token-0123456789";
  private static final String ACME_CURRENT = "acme-current-key-0123456789-0123456789";
  private static final String ACME_NEXT = "acme-next-key-0123456789-0123456789-01";

  /** Nothing listens there: a delivery to it fails at once. */
  private static final String NOWHERE = "http://127.0.0.1:1/hook";

  @TempDir Path work;

  @Test
  void twoTenantsFromTheFileAreIsolatedAcrossEveryApiFamily() throws Exception {
    Path config = work.resolve("postbox.yaml");
    Files.writeString(
        config,
        """
        # two tenants; the dev users are off
        max-retries: 5
        tenants:
          - id: acme
            token: %s
            current-signing-key: %s
            next-signing-key: %s
          - id: beta
            token: %s
        """
            .formatted(ACME_TOKEN, ACME_CURRENT, ACME_NEXT, BETA_TOKEN));
    Path log = work.resolve("server.log");
    int port = JarServer.freePort();
    Process p = JarServer.launch(work.resolve("data"), port, log, "--config", config.toString());
    try {
      String base = "http://127.0.0.1:" + port;
      Api anyone = new Api(base, null);
      Poll.until(WAIT, "the server to be ready (log: " + log + ")", () -> ready(p, anyone, log));
      String out = JarServer.read(log.toFile());
      for (String secret : new String[] {ACME_TOKEN, BETA_TOKEN, ACME_CURRENT, ACME_NEXT}) {
        assertFalse(out.contains(secret), "a secret in the output: " + out);
      }
      assertTrue(out.matches("(?s).*\\n  max-retries +5 +\\S*postbox\\.yaml line 2\\n.*"), out);
      assertTrue(out.contains("acme (token ********, signing keys ********)"), out);

      Api acme = new Api(base, ACME_TOKEN);
      Api beta = new Api(base, BETA_TOKEN);
      assertEquals(
          401,
          new Api(base, DevTenants.DEFAULT_USER.token()).send("GET", "/v2/keys", null).status());
      assertEquals(ACME_CURRENT, acme.send("GET", "/v2/keys", null).json().get("current").asText());
      String betaKey = beta.send("GET", "/v2/keys", null).json().get("current").asText();
      assertTrue(betaKey.startsWith("sig_"), betaKey);
      assertNotEquals(ACME_CURRENT, betaKey);

      // acme's things, one of each API family.
      String message =
          acme.publish(
                  NOWHERE,
                  "later",
                  "Upstash-Delay",
                  "1h",
                  "Upstash-Flow-Control-Key",
                  "fk",
                  "Upstash-Flow-Control-Value",
                  "parallelism=1")
              .json()
              .get("messageId")
              .asText();
      String schedule =
          acme.send("POST", "/v2/schedules/" + NOWHERE, "tick", "Upstash-Cron", "0 0 1 1 *")
              .json()
              .get("scheduleId")
              .asText();
      assertEquals(
          200,
          acme.send("POST", "/v2/queues", "{\"queueName\":\"qa\",\"parallelism\":1}").status());
      assertEquals(
          200,
          acme.send(
                  "POST",
                  "/v2/topics/ga/endpoints",
                  "{\"endpoints\":[{\"url\":\"" + NOWHERE + "\",\"name\":\"e1\"}]}")
              .status());
      acme.publish(NOWHERE, "fails", "Upstash-Retries", "0");
      Poll.until(WAIT, "acme's DLQ entry", () -> dlq(acme).size() == 1);
      String dlqId = dlq(acme).get(0).get("dlqId").asText();
      String run = "wfr_acme_run";
      Api.Response started = acme.send("POST", "/v2/batch", workflowTrigger(run));
      assertEquals(200, started.status(), started.body());
      assertEquals(200, acme.send("GET", "/v2/workflows/runs/" + run, null).status());

      // beta sees none of it, and can change none of it.
      assertStatus(404, beta.send("GET", "/v2/messages/" + message, null));
      assertStatus(404, beta.send("DELETE", "/v2/messages/" + message, null));
      assertEquals(0, beta.send("DELETE", "/v2/messages", null).json().get("cancelled").asInt());
      assertEquals(0, beta.send("GET", "/v2/logs", null).json().get("events").size());
      assertEquals(
          0, beta.send("GET", "/v2/logs?messageId=" + message, null).json().get("events").size());

      assertStatus(404, beta.send("GET", "/v2/schedules/" + schedule, null));
      assertEquals(0, beta.send("GET", "/v2/schedules", null).json().size());
      assertStatus(404, beta.send("DELETE", "/v2/schedules/" + schedule, null));
      assertStatus(404, beta.send("PATCH", "/v2/schedules/" + schedule + "/pause", null));

      assertStatus(404, beta.send("GET", "/v2/queues/qa", null));
      assertEquals(0, beta.send("GET", "/v2/queues", null).json().size());
      assertStatus(404, beta.send("POST", "/v2/queues/qa/pause", null));
      assertStatus(200, beta.send("DELETE", "/v2/queues/qa", null)); // 200 even if unknown

      assertStatus(404, beta.send("GET", "/v2/topics/ga", null));
      assertEquals(0, beta.send("GET", "/v2/topics", null).json().size());
      assertStatus(200, beta.send("DELETE", "/v2/topics/ga", null)); // 200 even if unknown
      assertStatus(404, beta.publish("ga", "to acme's group?"));

      assertStatus(404, beta.send("GET", "/v2/flowControl/fk", null));
      assertEquals(0, beta.send("GET", "/v2/flowControl", null).json().size());

      assertEquals(0, dlq(beta).size());
      assertStatus(404, beta.send("GET", "/v2/dlq/" + dlqId, null));
      assertStatus(404, beta.send("DELETE", "/v2/dlq/" + dlqId, null));
      assertStatus(404, beta.send("POST", "/v2/dlq/retry/" + dlqId, null));

      assertStatus(404, beta.send("GET", "/v2/workflows/runs/" + run, null));
      assertStatus(404, beta.send("DELETE", "/v2/workflows/runs/" + run + "?cancel=true", null));
      assertEquals(
          0,
          beta.send("DELETE", "/v2/workflows/runs?workflowRunIds=" + run, null)
              .json()
              .get("cancelled")
              .asInt());

      // acme's things are all still there, untouched.
      assertStatus(200, acme.send("GET", "/v2/messages/" + message, null));
      assertFalse(
          acme.send("GET", "/v2/schedules/" + schedule, null).json().get("isPaused").asBoolean());
      assertFalse(acme.send("GET", "/v2/queues/qa", null).json().get("paused").asBoolean());
      assertStatus(200, acme.send("GET", "/v2/topics/ga", null));
      assertStatus(200, acme.send("GET", "/v2/flowControl/fk", null));
      assertStatus(200, acme.send("GET", "/v2/dlq/" + dlqId, null));
      assertStatus(200, acme.send("GET", "/v2/workflows/runs/" + run, null));
      assertTrue(acme.send("GET", "/v2/logs", null).json().get("events").size() > 0);
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  @Test
  void anInvalidFileStopsTheServerNamingTheSettingAndTheLine() throws Exception {
    Path config = work.resolve("postbox.yaml");
    Files.writeString(config, "port: 8080\nkeep-ended: awhile\n");
    Path log = work.resolve("server.log");
    Process p =
        JarServer.launch(
            work.resolve("data"), JarServer.freePort(), log, "--config", config.toString());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the server should refuse to start");
    String out = JarServer.read(log.toFile());
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.startsWith("postbox: " + config + " line 2: keep-ended: "), out);
    assertTrue(out.contains("'awhile' is not a duration"), out);
    assertFalse(Files.exists(work.resolve("data")), "nothing written before the config is valid");
  }

  private static boolean ready(Process p, Api anyone, Path log) {
    if (!p.isAlive()) {
      throw new AssertionError("server exited: " + JarServer.read(log.toFile()));
    }
    try {
      return anyone.send("GET", "/ready", null).status() == 200;
    } catch (AssertionError notYet) {
      return false;
    }
  }

  private static JsonNode dlq(Api api) {
    return api.send("GET", "/v2/dlq", null).json().get("messages");
  }

  /** A batch of one: the trigger of workflow run {@code runId}, due in an hour. */
  private static String workflowTrigger(String runId) {
    return "[{\"destination\":\""
        + NOWHERE
        + "\",\"body\":\"{}\",\"headers\":{\"Upstash-Workflow-RunId\":\""
        + runId
        + "\",\"Upstash-Workflow-Init\":\"true\",\"Upstash-Delay\":\"1h\"}}]";
  }

  private static void assertStatus(int expected, Api.Response r) {
    assertEquals(expected, r.status(), r.body());
  }
}
