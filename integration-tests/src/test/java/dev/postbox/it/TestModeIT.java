package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postbox.core.tenant.DevTenants;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server with {@code --test-mode} (docs/testing.md): hours of delays, retries and cron
 * ticks pass in a few seconds of wall time by advancing the server's clock; deliveries are
 * recorded, a tenant is reset; and without the flag {@code /test/} does not exist.
 */
class TestModeIT {
  /** What each scenario may take in wall time, though it spans up to an hour of the server's. */
  private static final long WALL_MILLIS = 5_000;

  @TempDir static Path work;
  private static JarServer server;
  private static TestReceiver receiver;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    receiver = new TestReceiver();
    server = JarServer.start(work.resolve("data"), work.resolve("server.log"), "--test-mode");
    api = server.api();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    receiver.close();
  }

  @BeforeEach
  void resetTheTenant() {
    assertEquals(200, api.send("POST", "/test/reset", null).status());
    receiver.respond(r -> TestReceiver.Reply.ok());
  }

  private static JsonNode advance(String by) {
    Api.Response r = api.send("POST", "/test/clock/advance", "{\"by\":\"" + by + "\"}");
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private static JsonNode flush() {
    Api.Response r = api.send("POST", "/test/flush", null);
    assertEquals(200, r.status(), r.body());
    return r.json().get("deliveries");
  }

  private static long now() {
    return api.send("GET", "/test/clock", null).json().get("now").asLong();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void aMessageDelayedAnHourArrivesRightAfterTheClockIsAdvancedAnHour() {
    long wallStart = System.currentTimeMillis();
    long before = now();
    String url = receiver.url("/delayed");
    Api.Response r = api.publish(url, "later", "Upstash-Delay", "1h");
    assertEquals(200, r.status(), r.body());
    assertEquals(0, flush().size(), "not due yet");
    assertTrue(receiver.receivedOn("/delayed").isEmpty());

    JsonNode clock = advance("1h");
    assertTrue(clock.get("now").asLong() >= before + 3_600_000, clock.toString());
    JsonNode delivered = flush();
    assertEquals(1, delivered.size(), delivered.toString());
    assertEquals(url, delivered.get(0).get("url").asText());
    assertEquals("later", delivered.get(0).get("body").asText());
    assertEquals(1, receiver.receivedOn("/delayed").size());
    assertTrue(System.currentTimeMillis() - wallStart < WALL_MILLIS);
  }

  @Test
  void aFailingRouteIsRetriedThreeTimesThenDeadLetteredWithItsFailureCallback() {
    long wallStart = System.currentTimeMillis();
    receiver.respond(
        r ->
            r.path().startsWith("/broken")
                ? TestReceiver.Reply.status(500)
                : TestReceiver.Reply.ok());
    Api.Response r =
        api.publish(
            receiver.url("/broken"),
            "payload",
            "Upstash-Retries",
            "3",
            "Upstash-Failure-Callback",
            receiver.url("/failure-callback"));
    assertEquals(200, r.status(), r.body());
    String id = r.json().get("messageId").asText();
    // The default backoff waits 12 s, 2.5 min and 30 min: one advance of an hour takes each in
    // turn.
    advance("1h");
    JsonNode delivered = flush();
    assertEquals(4, receiver.receivedOn("/broken").size());
    assertEquals(1, receiver.receivedOn("/failure-callback").size());
    assertEquals(5, delivered.size(), delivered.toString());
    for (int attempt = 1; attempt <= 4; attempt++) {
      JsonNode d = delivered.get(attempt - 1);
      assertEquals(id, d.get("messageId").asText());
      assertEquals(attempt, d.get("attempt").asInt());
      assertEquals(500, d.get("status").asInt());
    }
    JsonNode dlq = api.send("GET", "/v2/dlq?messageId=" + id, null).json();
    assertEquals(1, dlq.get("messages").size(), dlq.toString());
    assertTrue(System.currentTimeMillis() - wallStart < WALL_MILLIS);
  }

  @Test
  void aCronScheduleEveryFiveMinutesFiresTwiceWhenTheClockIsAdvancedTenMinutes() {
    long wallStart = System.currentTimeMillis();
    Api.Response r =
        api.send(
            "POST",
            "/v2/schedules/" + receiver.url("/cron"),
            "tick",
            "Upstash-Cron",
            "*/5 * * * *");
    assertEquals(200, r.status(), r.body());
    String scheduleId = r.json().get("scheduleId").asText();
    advance("10m");
    JsonNode delivered = flush();
    assertEquals(2, delivered.size(), delivered.toString());
    assertEquals(2, receiver.receivedOn("/cron").size());
    long first = delivered.get(0).get("time").asLong();
    long second = delivered.get(1).get("time").asLong();
    // Ticks five minutes apart on the server's clock; each delivery ends a few ms after its tick.
    assertTrue(
        Math.abs(second - first - 300_000) < 1_000, "ticks five minutes apart: " + delivered);
    assertEquals(scheduleId, delivered.get(0).get("headers").get("Upstash-Schedule-Id").asText());
    assertTrue(System.currentTimeMillis() - wallStart < WALL_MILLIS);
  }

  @Test
  void logsAndDeadLettersPastTheirRetentionGoAfterAnAdvance() {
    receiver.respond(r -> TestReceiver.Reply.status(500));
    api.publish(receiver.url("/dead"), "x", "Upstash-Retries", "0");
    assertEquals(1, flush().size());
    assertEquals(1, api.send("GET", "/v2/dlq", null).json().get("messages").size());
    assertTrue(api.send("GET", "/v2/logs", null).json().get("events").size() > 0);
    advance("8d"); // past the default 7 days of log and DLQ retention
    Poll.until(
        Duration.ofSeconds(5),
        "a retention pass on the advanced clock",
        () ->
            api.send("GET", "/v2/dlq", null).json().get("messages").isEmpty()
                && api.send("GET", "/v2/logs", null).json().get("events").isEmpty());
  }

  @Test
  void deliveriesAreListedByUrlAndMessageIdAndCleared() {
    String a = receiver.url("/a");
    String idA = api.publish(a, "to a").json().get("messageId").asText();
    api.publish(receiver.url("/b"), "to b");
    assertEquals(2, flush().size());

    JsonNode byUrl = api.send("GET", "/test/deliveries?url=" + enc(a), null).json();
    assertEquals(1, byUrl.get("deliveries").size(), byUrl.toString());
    JsonNode d = byUrl.get("deliveries").get(0);
    assertEquals(idA, d.get("messageId").asText());
    assertEquals("POST", d.get("method").asText());
    assertEquals(200, d.get("status").asInt());
    assertEquals(1, d.get("attempt").asInt());
    assertEquals("to a", d.get("body").asText());
    assertTrue(d.get("headers").has("Upstash-Signature"), d.toString());
    JsonNode byId = api.send("GET", "/test/deliveries?messageId=" + idA, null).json();
    assertEquals(1, byId.get("deliveries").size());

    assertEquals(204, api.send("DELETE", "/test/deliveries", null).status());
    assertEquals(0, api.send("GET", "/test/deliveries", null).json().get("deliveries").size());
    assertEquals(0, flush().size(), "nothing new since the last flush");
  }

  @Test
  void resetEmptiesTheCallersTenantAndLeavesOthersAlone() {
    Api other = new Api("http://127.0.0.1:" + server.port, DevTenants.ALL.get(1).token());
    String otherId =
        other
            .publish(receiver.url("/other"), "x", "Upstash-Delay", "1d")
            .json()
            .get("messageId")
            .asText();
    String mine =
        api.publish(receiver.url("/mine"), "x", "Upstash-Delay", "1d")
            .json()
            .get("messageId")
            .asText();
    receiver.respond(r -> TestReceiver.Reply.status(500));
    api.publish(receiver.url("/dead"), "x", "Upstash-Retries", "0");
    api.send("POST", "/v2/schedules/" + receiver.url("/cron"), "x", "Upstash-Cron", "0 0 * * *");
    api.send("POST", "/v2/queues", "{\"queueName\":\"q\",\"parallelism\":1}");
    api.send(
        "POST",
        "/v2/topics/g/endpoints",
        "{\"endpoints\":[{\"url\":\"" + receiver.url("/g") + "\"}]}");
    flush();
    assertEquals(1, api.send("GET", "/v2/dlq", null).json().get("messages").size());

    Api.Response reset = api.send("POST", "/test/reset", null);
    assertEquals(200, reset.status(), reset.body());
    assertEquals(404, api.send("GET", "/v2/messages/" + mine, null).status());
    assertEquals(0, api.send("GET", "/v2/dlq", null).json().get("messages").size());
    assertEquals(0, api.send("GET", "/v2/logs", null).json().get("events").size());
    assertEquals(0, api.send("GET", "/v2/schedules", null).json().size());
    assertEquals(0, api.send("GET", "/v2/queues", null).json().size());
    assertEquals(0, api.send("GET", "/v2/topics", null).json().size());
    assertEquals(0, api.send("GET", "/test/deliveries", null).json().get("deliveries").size());
    assertEquals(200, other.send("GET", "/v2/messages/" + otherId, null).status());
    assertTrue(other.send("GET", "/v2/logs", null).json().get("events").size() > 0);
  }

  @Test
  void theBannerSaysTestModeIsOn() {
    Poll.until(
        Duration.ofSeconds(10),
        "the banner",
        () -> JarServer.read(work.resolve("server.log").toFile()).contains("QSTASH_URL="));
    String banner = JarServer.read(work.resolve("server.log").toFile());
    assertTrue(banner.contains(" with test mode on (/test/, docs/testing.md)"), banner);
  }

  @Test
  void aFlushThatTimesOutAnswers504AndALaterOneGetsTheDelivery() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    receiver.respond(
        r -> {
          try {
            release.await(10, TimeUnit.SECONDS); // a destination that has not answered yet
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return TestReceiver.Reply.ok();
        });
    api.publish(receiver.url("/slow"), "x");
    Poll.until(
        Duration.ofSeconds(10), "the delivery to start", () -> !receiver.received().isEmpty());
    Api.Response timedOut = api.send("POST", "/test/flush?timeout=200ms", null);
    assertEquals(504, timedOut.status(), timedOut.body());
    assertTrue(
        timedOut.json().get("error").asText().startsWith("flush timed out after 200ms"),
        timedOut.body());
    release.countDown();
    JsonNode delivered = flush();
    assertEquals(1, delivered.size(), delivered.toString());
    assertEquals(200, delivered.get(0).get("status").asInt());
  }

  @Test
  void theTestEndpointsNeedAToken() {
    Api anonymous = new Api("http://127.0.0.1:" + server.port, null);
    assertEquals(401, anonymous.send("GET", "/test/clock", null).status());
    Api.Response bad = api.send("POST", "/test/clock/advance", "{\"by\":\"soon\"}");
    assertEquals(400, bad.status(), bad.body());
  }

  @Test
  void withoutTestModeEveryTestPathIsNotFound() throws Exception {
    try (JarServer plain = JarServer.start(work.resolve("plain"), work.resolve("plain.log"))) {
      Api p = plain.api();
      for (String[] call :
          new String[][] {
            {"GET", "/test/clock"},
            {"POST", "/test/clock/advance"},
            {"POST", "/test/flush"},
            {"GET", "/test/deliveries"},
            {"POST", "/test/reset"}
          }) {
        Api.Response r = p.send(call[0], call[1], "{\"by\":\"1h\"}");
        assertEquals(404, r.status(), call[0] + " " + call[1] + ": " + r.body());
      }
      assertEquals(200, p.send("GET", "/v2/keys", null).status());
    }
  }
}
