package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.postbox.app.Broker;
import dev.postbox.app.BrokerConfig;
import dev.postbox.core.tenant.DevTenants;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real broker on a free port, with RocksDB in a temp dir and real HTTP receivers. */
class PublishDeliveryIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String KEY = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";

  @TempDir Path dataDir;
  private Broker broker;
  private TestReceiver receiver;
  private Api api;

  @BeforeEach
  void start() throws Exception {
    // Ended messages are not kept here: these tests check that a final message is gone at once
    // (EndedMessageIT covers --keep-ended).
    broker =
        Broker.start(
            BrokerConfig.parse(new String[] {"--keep-ended", "0"}, Map.of())
                .withPort(0)
                .withDataDir(dataDir));
    receiver = new TestReceiver();
    api = new Api("http://127.0.0.1:" + broker.port(), DevTenants.DEFAULT_USER.token());
  }

  @AfterEach
  void stop() {
    receiver.close();
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void publishedMessageIsDeliveredOnceWithAValidSignature() throws Exception {
    String url = receiver.url("/hook?x=1&y=2");
    String body = "{\"hello\":\"world\"}";
    Api.Response r =
        api.publish(
            url,
            body,
            "Content-Type",
            "application/json",
            "Upstash-Forward-X-Test",
            "v1",
            "Upstash-Telemetry-Sdk",
            "upstash-qstash-js@2.12.0");
    assertEquals(200, r.status(), r.body());
    String id = r.json().get("messageId").asText();
    assertEquals(url, r.json().get("url").asText());
    Poll.until(WAIT, "delivery", () -> receiver.received().size() == 1);
    TestReceiver.Received got = receiver.received().get(0);
    assertEquals("POST", got.method());
    assertEquals("/hook?x=1&y=2", got.path());
    assertEquals(body, new String(got.body(), StandardCharsets.UTF_8));
    assertEquals(id, got.header("Upstash-Message-Id"));
    assertEquals("0", got.header("Upstash-Retried"));
    assertEquals("Upstash-QStash", got.header("User-Agent"));
    assertEquals("v1", got.header("X-Test"));
    assertEquals("application/json", got.header("Content-Type"));
    assertEquals(null, got.header("Upstash-Telemetry-Sdk"));
    assertEquals(null, got.header("Authorization"));

    SignedJWT jwt = SignedJWT.parse(got.header("Upstash-Signature"));
    assertTrue(jwt.verify(new MACVerifier(KEY.getBytes(StandardCharsets.UTF_8))));
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertEquals("Upstash", claims.getIssuer());
    assertEquals(url, claims.getSubject());
    long iat = claims.getIssueTime().getTime() / 1000;
    assertEquals(iat + 300, claims.getExpirationTime().getTime() / 1000);
    assertEquals(0L, claims.getNotBeforeTime().getTime());
    assertTrue(claims.getJWTID().startsWith("jwt_"));
    byte[] hash =
        MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
    assertEquals(Base64.getUrlEncoder().encodeToString(hash), claims.getStringClaim("body"));

    Poll.until(WAIT, "DELIVERED log", () -> states(id).contains("DELIVERED"));
    assertEquals(List.of("CREATED", "ACTIVE", "DELIVERED"), states(id));
    assertEquals(404, api.send("GET", "/v2/messages/" + id, null).status());
  }

  @Test
  void failedAttemptsAreRetriedWithTheCustomDelayThenDelivered() {
    AtomicInteger calls = new AtomicInteger();
    receiver.respond(
        r ->
            calls.incrementAndGet() <= 2
                ? TestReceiver.Reply.status(500)
                : TestReceiver.Reply.ok());
    Api.Response r =
        api.publish(receiver.url("/retry"), "x", "Upstash-Retry-Delay", "50 * (retried + 1)");
    assertEquals(200, r.status(), r.body());
    String id = r.json().get("messageId").asText();
    Poll.until(WAIT, "three attempts", () -> receiver.received().size() == 3);
    List<String> retried = new ArrayList<>();
    receiver.received().forEach(x -> retried.add(x.header("Upstash-Retried")));
    assertEquals(List.of("0", "1", "2"), retried);
    Poll.until(WAIT, "DELIVERED log", () -> states(id).contains("DELIVERED"));
    assertEquals(
        List.of(
            "CREATED",
            "ACTIVE",
            "ERROR",
            "RETRY",
            "ACTIVE",
            "ERROR",
            "RETRY",
            "ACTIVE",
            "DELIVERED"),
        states(id));
  }

  @Test
  void exhaustedMessageGoesToTheDlqAndFiresTheFailureCallback() throws Exception {
    receiver.respond(
        r ->
            r.path().startsWith("/fail")
                ? new TestReceiver.Reply(500, Map.of("X-Why", "broken"), "boom")
                : TestReceiver.Reply.ok());
    Api.Response r =
        api.publish(
            receiver.url("/fail"),
            "payload",
            "Upstash-Retries",
            "1",
            "Upstash-Retry-Delay",
            "10",
            "Upstash-Failure-Callback",
            receiver.url("/failure-callback"),
            "Upstash-Label",
            "dlq-test");
    assertEquals(200, r.status(), r.body());
    String id = r.json().get("messageId").asText();
    Poll.until(WAIT, "failure callback", () -> !receiver.receivedOn("/failure-callback").isEmpty());
    assertEquals(2, receiver.received().stream().filter(x -> x.path().equals("/fail")).count());

    JsonNode dlq = api.send("GET", "/v2/dlq?messageId=" + id, null).json();
    assertEquals(1, dlq.get("messages").size(), dlq.toString());
    JsonNode entry = dlq.get("messages").get(0);
    assertEquals(500, entry.get("responseStatus").asInt());
    assertEquals("boom", entry.get("responseBody").asText());
    assertEquals("dlq-test", entry.get("label").asText());
    assertFalse(dlq.has("cursor"));

    JsonNode callback = Api.JSON.readTree(receiver.receivedOn("/failure-callback").get(0).body());
    assertEquals(entry.get("dlqId").asText(), callback.get("dlqId").asText());
    assertEquals(500, callback.get("status").asInt());
    assertEquals(id, callback.get("sourceMessageId").asText());
    assertEquals(
        "payload",
        new String(
            Base64.getDecoder().decode(callback.get("sourceBody").asText()),
            StandardCharsets.UTF_8));

    String dlqId = entry.get("dlqId").asText();
    assertEquals(200, api.send("DELETE", "/v2/dlq/" + dlqId, null).status());
    assertEquals(404, api.send("DELETE", "/v2/dlq/" + dlqId, null).status());
  }

  @Test
  void nonRetryableErrorSkipsRetries() {
    receiver.respond(
        r -> new TestReceiver.Reply(489, Map.of("Upstash-NonRetryable-Error", "true"), "no"));
    Api.Response r = api.publish(receiver.url("/nonretry"), "x", "Upstash-Retries", "3");
    String id = r.json().get("messageId").asText();
    Poll.until(WAIT, "FAILED log", () -> states(id).contains("FAILED"));
    assertEquals(1, receiver.received().size());
  }

  @Test
  void delayedMessageCanBeReadAndCancelled() {
    long before = System.currentTimeMillis();
    Api.Response r =
        api.publish(
            receiver.url("/later"),
            "x",
            "Upstash-Delay",
            "1h",
            "Upstash-Forward-Test-Header",
            "test-value",
            "Content-Type",
            "text/plain");
    String id = r.json().get("messageId").asText();
    JsonNode m = api.send("GET", "/v2/messages/" + id, null).json();
    assertEquals(id, m.get("messageId").asText());
    assertTrue(m.get("notBefore").asLong() >= before + 3_600_000L - 1000, m.toString());
    assertEquals("test-value", m.get("header").get("Test-Header").get(0).asText());
    assertFalse(m.get("header").has("Upstash-Forward-Test-Header"));
    assertEquals(3, m.get("maxRetries").asInt());

    Api.Response cancel = api.send("DELETE", "/v2/messages/" + id, null);
    assertEquals(1, cancel.json().get("cancelled").asInt(), cancel.body());
    assertEquals(404, api.send("GET", "/v2/messages/" + id, null).status());
    assertEquals(404, api.send("DELETE", "/v2/messages/" + id, null).status());
    assertTrue(states(id).contains("CANCELED"));
  }

  @Test
  void pendingMessagesSurviveARestart() throws Exception {
    Api.Response r = api.publish(receiver.url("/after-restart"), "kept", "Upstash-Delay", "1s");
    String id = r.json().get("messageId").asText();
    broker.close();
    broker = null;
    // Ended messages are not kept here: these tests check that a final message is gone at once
    // (EndedMessageIT covers --keep-ended).
    broker =
        Broker.start(
            BrokerConfig.parse(new String[] {"--keep-ended", "0"}, Map.of())
                .withPort(0)
                .withDataDir(dataDir));
    Poll.until(WAIT, "delivery after restart", () -> receiver.received().size() == 1);
    assertEquals(id, receiver.received().get(0).header("Upstash-Message-Id"));
  }

  @Test
  void aLargeBodyIsDeliveredWholeAndStaysInTheLogsAfterARestart() throws Exception {
    // 64 KiB: stored once, apart from the message record and its CREATED log entry.
    String body = "{\"data\":\"" + "0123456789abcdef".repeat(4096) + "\"}";
    Api.Response r = api.publish(receiver.url("/big"), body, "Upstash-Delay", "1s");
    assertEquals(200, r.status(), r.body());
    String id = r.json().get("messageId").asText();
    assertEquals(body, api.send("GET", "/v2/messages/" + id, null).json().get("body").asText());
    broker.close();
    broker = null;
    // Ended messages are not kept here: these tests check that a final message is gone at once
    // (EndedMessageIT covers --keep-ended).
    broker =
        Broker.start(
            BrokerConfig.parse(new String[] {"--keep-ended", "0"}, Map.of())
                .withPort(0)
                .withDataDir(dataDir));
    api = new Api("http://127.0.0.1:" + broker.port(), DevTenants.DEFAULT_USER.token());

    Poll.until(WAIT, "delivery after restart", () -> receiver.received().size() == 1);
    assertEquals(body, new String(receiver.received().get(0).body(), StandardCharsets.UTF_8));
    Poll.until(WAIT, "DELIVERED log", () -> states(id).contains("DELIVERED"));
    JsonNode created =
        api.send("GET", "/v2/events?state=CREATED&messageId=" + id, null).json().get("events");
    assertEquals(1, created.size());
    assertEquals(
        body,
        new String(
            Base64.getDecoder().decode(created.get(0).get("body").asText()),
            StandardCharsets.UTF_8));
  }

  @Test
  void badInputGetsClearErrors() {
    assertError(
        api.publish(receiver.url("/x"), "x", "Upstash-Delay", "soon"), 400, "Upstash-Delay");
    assertError(
        api.publish(receiver.url("/x"), "x", "Upstash-Retries", "-1"), 400, "Upstash-Retries");
    assertError(
        api.publish(receiver.url("/x"), "x", "Upstash-Retry-Delay", "foo(1)"),
        400,
        "Upstash-Retry-Delay");
    assertError(
        api.publish(receiver.url("/x"), "x", "Upstash-Method", "FOO"), 400, "Upstash-Method");
    assertError(api.publish("notaurl%5E", "x"), 400, "destination");
    assertError(
        api.publish(receiver.url("/x"), "x", "Upstash-Callback", "ftp://x"), 400, "callback");
    assertError(api.send("GET", "/v2/messages/msg_nope", null), 404, "not found");
    assertError(
        new Api("http://127.0.0.1:" + broker.port(), null).publish(receiver.url("/x"), "x"),
        401,
        "token");
    assertError(
        new Api("http://127.0.0.1:" + broker.port(), "wrong").publish(receiver.url("/x"), "x"),
        401,
        "token");
    assertError(api.send("DELETE", "/v2/dlq?labeel=x", null), 400, "labeel");
    assertError(api.send("PUT", "/v2/keys", null), 405, "not allowed");
    String big = "x".repeat(BrokerConfig.defaults().maxBodyBytes() + 1);
    assertError(api.publish(receiver.url("/x"), big), 413, "limit");
    assertTrue(receiver.received().isEmpty());
  }

  @Test
  void tokenInTheQueryAuthenticatesAndKeysAreTheDevKeys() {
    Api anonymous = new Api("http://127.0.0.1:" + broker.port(), null);
    Api.Response keys =
        anonymous.send("GET", "/v2/keys?qstash_token=" + DevTenants.DEFAULT_USER.token(), null);
    assertEquals(200, keys.status(), keys.body());
    assertEquals(KEY, keys.json().get("current").asText());
    assertEquals("sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs", keys.json().get("next").asText());
    Api.Response rotated = api.send("POST", "/v2/keys/rotate", null);
    assertEquals(KEY, rotated.json().get("current").asText());
  }

  private void assertError(Api.Response r, int status, String mentions) {
    assertEquals(status, r.status(), r.body());
    JsonNode n = r.json();
    assertNotNull(n.get("error"), r.body());
    assertTrue(
        n.get("error").asText().toLowerCase().contains(mentions.toLowerCase()),
        "error should mention " + mentions + ": " + r.body());
  }

  private List<String> states(String id) {
    JsonNode page = api.send("GET", "/v2/events?order=earliestFirst&messageId=" + id, null).json();
    List<String> out = new ArrayList<>();
    page.get("events").forEach(e -> out.add(e.get("state").asText()));
    return out;
  }
}
