package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postbox.app.Broker;
import dev.postbox.app.BrokerConfig;
import dev.postbox.core.tenant.DevTenants;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Default headers of a URL group ({@code PATCH /v2/topics/{name}}) against the real broker and a
 * real destination: they fill what a publish to the group does not carry itself, survive a restart,
 * and bad requests are refused when the defaults are set.
 */
class UrlGroupDefaultHeadersIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dataDir;
  private Broker broker;
  private TestReceiver receiver;
  private Api api;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver();
    receiver.respond(r -> TestReceiver.Reply.status(500)); // only retries would deliver again
    startBroker();
  }

  private void startBroker() throws Exception {
    broker = Broker.start(BrokerConfig.defaults().withPort(0).withDataDir(dataDir));
    api = new Api("http://127.0.0.1:" + broker.port(), DevTenants.DEFAULT_USER.token());
  }

  @AfterEach
  void stop() {
    receiver.close();
    if (broker != null) {
      broker.close();
    }
  }

  private Api.Response patch(String group, String body) {
    return api.send("PATCH", "/v2/topics/" + group, body, "Content-Type", "application/json");
  }

  /** The one delivery whose body is {@code body}. */
  private TestReceiver.Received deliveryOf(String body) {
    Poll.until(WAIT, "the delivery of " + body, () -> withBody(body).size() == 1);
    return withBody(body).get(0);
  }

  private List<TestReceiver.Received> withBody(String body) {
    return receiver.received().stream()
        .filter(r -> new String(r.body(), StandardCharsets.UTF_8).equals(body))
        .toList();
  }

  @Test
  void groupDefaultsFillWhatThePublishDoesNotCarry() throws Exception {
    String endpoint = receiver.url("/team");
    Api.Response added =
        api.send(
            "POST",
            "/v2/topics/team/endpoints",
            "{\"endpoints\": [{\"name\": \"one\", \"url\": \"" + endpoint + "\"}]}");
    assertEquals(200, added.status(), added.body());

    Api.Response set =
        patch(
            "team",
            "{\"headers\": {\"Upstash-Forward-X-Team\": \"blue\", \"Upstash-Retries\": \"0\"}}");
    assertEquals(200, set.status(), set.body());
    assertEquals("{}", set.body());

    JsonNode group = api.send("GET", "/v2/topics/team", null).json();
    assertEquals(
        "[{\"name\":\"one\",\"url\":\"" + endpoint + "\"}]", group.get("endpoints").toString());
    assertEquals(
        "{\"Upstash-Forward-X-Team\":[\"blue\"],\"Upstash-Retries\":[\"0\"]}",
        group.get("headers").toString());

    // A publish without those headers: X-Team comes from the group, and with no retries the
    // failed delivery goes straight to the DLQ.
    Api.Response plain = api.publish("team", "plain");
    assertEquals(200, plain.status(), plain.body());
    String plainId = plain.json().get(0).get("messageId").asText();
    assertEquals("blue", deliveryOf("plain").header("X-Team"));
    Poll.until(
        WAIT,
        "the message in the DLQ",
        () -> api.send("GET", "/v2/dlq", null).body().contains(plainId));

    // The publish's own header wins.
    Api.Response own = api.publish("team", "own", "Upstash-Forward-X-Team", "red");
    assertEquals(200, own.status(), own.body());
    assertEquals("red", deliveryOf("own").header("X-Team"));

    // A batch entry to the group gets them too.
    Api.Response batch =
        api.send("POST", "/v2/batch", "[{\"destination\": \"team\", \"body\": \"batched\"}]");
    assertEquals(200, batch.status(), batch.body());
    assertEquals("blue", deliveryOf("batched").header("X-Team"));

    // So does an enqueue to the group.
    Api.Response enqueued = api.send("POST", "/v2/enqueue/q/team", "queued");
    assertEquals(200, enqueued.status(), enqueued.body());
    assertEquals("blue", deliveryOf("queued").header("X-Team"));

    // A schedule to the group takes them when it is created.
    Api.Response scheduled =
        api.send(
            "POST",
            "/v2/schedules/team",
            "tick",
            "Upstash-Cron",
            "0 0 1 1 *",
            "Upstash-Forward-X-Other",
            "o");
    assertEquals(200, scheduled.status(), scheduled.body());
    JsonNode schedule =
        api.send("GET", "/v2/schedules/" + scheduled.json().get("scheduleId").asText(), null)
            .json();
    assertEquals("[\"blue\"]", schedule.get("header").get("X-Team").toString());
    assertEquals("[\"o\"]", schedule.get("header").get("X-Other").toString());
    assertEquals(0, schedule.get("retries").asInt());

    // They are stored with the group.
    broker.close();
    broker = null;
    startBroker();
    assertEquals(
        "{\"Upstash-Forward-X-Team\":[\"blue\"],\"Upstash-Retries\":[\"0\"]}",
        api.send("GET", "/v2/topics/team", null).json().get("headers").toString());
  }

  @Test
  void badPatchesAreRefused() {
    Api.Response missing = patch("nope", "{\"headers\": {\"Upstash-Retries\": \"1\"}}");
    assertEquals(404, missing.status(), missing.body());
    assertEquals("URL group nope not found", missing.json().get("error").asText());

    api.send(
        "POST",
        "/v2/topics/team/endpoints",
        "{\"endpoints\": [{\"url\": \"" + receiver.url("/team") + "\"}]}");
    Api.Response notJson = patch("team", "{\"headers\": ");
    assertEquals(400, notJson.status(), notJson.body());
    assertTrue(
        notJson.json().get("error").asText().startsWith("invalid JSON in the request body"),
        notJson.body());

    Api.Response noHeaders = patch("team", "{\"endpoints\": []}");
    assertEquals(400, noHeaders.status(), noHeaders.body());

    Api.Response badValue = patch("team", "{\"headers\": {\"Upstash-Retries\": \"abc\"}}");
    assertEquals(400, badValue.status(), badValue.body());
    assertEquals(
        "invalid Upstash-Retries: \"abc\" (expected an integer)",
        badValue.json().get("error").asText());
    assertNull(api.send("GET", "/v2/topics/team", null).json().get("headers"));
  }
}
