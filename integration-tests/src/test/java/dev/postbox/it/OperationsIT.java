package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.app.Broker;
import dev.postbox.core.tenant.DevTenants;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /health}, {@code /ready} and {@code /metrics} of a real broker, and its drain. */
class OperationsIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  /** One sample line of Prometheus' text format: name, optional labels, value. */
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);

  @TempDir Path dataDir;
  private Broker broker;
  private final TestReceiver receiver = newReceiver();

  @AfterEach
  void stop() {
    receiver.close();
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void healthAndReadinessAnswerWithoutAToken() throws Exception {
    broker = InProcessBroker.start(dataDir);
    Api anonymous = new Api("http://127.0.0.1:" + broker.port(), null);
    Api.Response health = anonymous.send("GET", "/health", null);
    assertEquals(200, health.status(), health.body());
    assertEquals("UP", health.json().get("status").asText());
    Api.Response ready = anonymous.send("GET", "/ready", null);
    assertEquals(200, ready.status(), ready.body());
    assertEquals("READY", ready.json().get("status").asText());
    assertEquals("open", ready.json().get("storage").asText());
    assertEquals("running", ready.json().get("scheduleTimer").asText());
    assertEquals(401, anonymous.send("GET", "/v2/keys", null).status()); // the API still needs one
  }

  @Test
  void metricsCountPublishesAttemptsAndDlqMoves() throws Exception {
    broker = InProcessBroker.start(dataDir);
    Api api = api();
    Map<String, Double> before = scrape(api);
    receiver.respond(r -> r.path().startsWith("/fail") ? TestReceiver.Reply.status(500) : ok());
    int n = 5;
    for (int i = 0; i < n; i++) {
      assertEquals(200, api.publish(receiver.url("/ok"), "m" + i).status());
    }
    assertEquals(200, api.publish(receiver.url("/fail"), "x", "Upstash-Retries", "0").status());
    Poll.until(WAIT, "6 deliveries", () -> receiver.received().size() == n + 1);
    String tenant = "{tenant=\"" + DevTenants.DEFAULT_USER.id() + "\"}";
    // A delivery reaches the receiver before its outcome is recorded, and outcomes of parallel
    // deliveries are recorded in any order: wait for all six.
    Poll.until(
        WAIT,
        "the outcomes in the metrics",
        () -> {
          Map<String, Double> now = scrape(api);
          return delta(before, now, "postbox_delivery_attempts_total{outcome=\"dlq\"}") == 1
              && delta(before, now, "postbox_delivery_attempts_total{outcome=\"delivered\"}") == n;
        });
    Map<String, Double> after = scrape(api);
    assertEquals(n + 1, delta(before, after, "postbox_messages_published_total" + tenant));
    assertEquals(n, delta(before, after, "postbox_delivery_attempts_total{outcome=\"delivered\"}"));
    assertEquals(0, delta(before, after, "postbox_delivery_attempts_total{outcome=\"retry\"}"));
    assertEquals(n + 1, delta(before, after, "postbox_delivery_duration_seconds_count"));
    assertEquals(0.0, after.get("postbox_messages_in_flight"));
    assertTrue(after.get("postbox_dlq_messages") >= 1, "dlq gauge: " + after);
    assertTrue(after.get("postbox_storage_commit_group_submissions_count") > 0);
    assertTrue(after.get("postbox_storage_wal_sync_seconds_count") > 0);
    assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")));
    assertTrue(after.containsKey("process_uptime_seconds"));
  }

  @Test
  void metricsNeedATokenOnlyWhenSoConfigured() throws Exception {
    broker = InProcessBroker.start(dataDir, "--metrics-auth", "true");
    Api anonymous = new Api("http://127.0.0.1:" + broker.port(), null);
    assertEquals(401, anonymous.send("GET", "/metrics", null).status());
    Api wrong = new Api("http://127.0.0.1:" + broker.port(), "not-a-token");
    assertEquals(401, wrong.send("GET", "/metrics", null).status());
    assertEquals(200, api().send("GET", "/metrics", null).status());
    assertEquals(200, anonymous.send("GET", "/ready", null).status()); // probes never need one
  }

  @Test
  void metricsNeedNoTokenByDefault() throws Exception {
    broker = InProcessBroker.start(dataDir);
    Api anonymous = new Api("http://127.0.0.1:" + broker.port(), null);
    Api.Response r = anonymous.send("GET", "/metrics", null);
    assertEquals(200, r.status());
    assertTrue(r.body().contains("# TYPE postbox_delivery_attempts_total counter"), r.body());
  }

  @Test
  void readinessGoesDownFirstWhenTheBrokerDrains() throws Exception {
    // The Redis REST API on (nothing listens there: a call is refused before Redis is asked)
    broker =
        InProcessBroker.start(
            dataDir, "--shutdown-grace", "30s", "--redis-url", "redis://127.0.0.1:1");
    Api api = api();
    Api anonymous = new Api("http://127.0.0.1:" + broker.port(), null);
    CountDownLatch release = new CountDownLatch(1);
    receiver.respond(
        r -> {
          try {
            release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return ok();
        });
    assertEquals(200, api.publish(receiver.url("/slow"), "held").status());
    Poll.until(WAIT, "the delivery to be in flight", () -> receiver.received().size() == 1);
    assertEquals(200, anonymous.send("GET", "/ready", null).status());

    Broker draining = broker;
    broker = null; // closed here
    CompletableFuture<Void> closing = CompletableFuture.runAsync(draining::close);
    Poll.until(
        WAIT, "/ready to answer 503", () -> anonymous.send("GET", "/ready", null).status() == 503);
    Api.Response ready = anonymous.send("GET", "/ready", null);
    assertEquals("DRAINING", ready.json().get("status").asText(), ready.body());
    assertEquals("shutting down", ready.json().get("error").asText());
    assertEquals(200, anonymous.send("GET", "/health", null).status());
    Api.Response refused = api.publish(receiver.url("/late"), "late");
    assertEquals(503, refused.status(), refused.body());
    Api.Response redis = api.send("POST", "/redis", "[\"SET\",\"k\",\"v\"]");
    assertEquals(503, redis.status(), redis.body());
    assertEquals("shutting down", redis.json().get("error").asText());
    assertTrue(!closing.isDone(), "close waits for the delivery in flight");

    release.countDown();
    closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(1, receiver.received().size(), "nothing published while draining");
  }

  private Api api() {
    return new Api("http://127.0.0.1:" + broker.port(), DevTenants.DEFAULT_USER.token());
  }

  private static TestReceiver.Reply ok() {
    return TestReceiver.Reply.ok();
  }

  private static TestReceiver newReceiver() {
    try {
      return new TestReceiver();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Samples by name and labels as written; fails on a line that is not a comment or sample. */
  private static Map<String, Double> scrape(Api api) {
    Api.Response r = api.send("GET", "/metrics", null);
    assertEquals(200, r.status(), r.body());
    Map<String, Double> samples = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), "not a Prometheus sample: " + line);
      samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.valueOf(m.group(3)));
    }
    return samples;
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
    assertTrue(after.containsKey(key), key + " missing from " + after.keySet());
    return after.get(key) - before.getOrDefault(key, 0.0);
  }
}
