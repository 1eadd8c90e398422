package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The destination policy in the packaged server, on loopback only: an address literal is refused at
 * publish naming the rule; a name is accepted at publish and refused at delivery once it resolves
 * into a denied range, straight to the DLQ; an allow rule wins over the production profile.
 */
class DestinationPolicyIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final TestReceiver receiver = newReceiver();

  @AfterEach
  void stop() {
    receiver.close();
  }

  @Test
  void aDenyListRefusesLiteralsAtPublishAndResolvedNamesAtDelivery() throws Exception {
    Path log = dir.resolve("server.log");
    try (JarServer server =
        JarServer.start(dir.resolve("data"), log, "--deny-destinations", "127.0.0.0/8,::1")) {
      Api api = server.api();
      String literal = receiver.url("/literal");
      Api.Response r = api.publish(literal, "x");
      assertEquals(400, r.status(), r.body());
      assertEquals(
          "destination " + literal + " is denied by rule deny 127.0.0.0/8",
          r.json().get("error").asText());

      String callback = receiver.url("/callback");
      r = api.publish(byName("/ok"), "x", "Upstash-Failure-Callback", callback);
      assertEquals(400, r.status(), r.body());
      assertEquals(
          "Upstash-Failure-Callback URL " + callback + " is denied by rule deny 127.0.0.0/8",
          r.json().get("error").asText());

      r =
          api.send(
              "POST",
              "/v2/topics/team/endpoints",
              "{\"endpoints\":[{\"url\":\"" + receiver.url("/member") + "\"}]}",
              "Content-Type",
              "application/json");
      assertEquals(400, r.status(), r.body());
      assertTrue(r.json().get("error").asText().contains("denied by rule deny 127.0.0.0/8"));

      r =
          api.send(
              "POST",
              "/v2/batch",
              "[{\"destination\":\""
                  + byName("/a")
                  + "\",\"headers\":{\"Upstash-Delay\":\"1h\"}},{\"destination\":\""
                  + literal
                  + "\"}]",
              "Content-Type",
              "application/json");
      assertEquals(200, r.status(), r.body()); // each entry answered on its own
      assertEquals(
          "destination " + literal + " is denied by rule deny 127.0.0.0/8",
          r.json().get(1).get("error").asText());
      assertTrue(r.json().get(0).has("messageId"), r.body()); // due in an hour: not delivered

      // localhost is a name: no DNS at publish, so it is accepted, and refused once resolved.
      r = api.publish(byName("/by-name"), "x", "Upstash-Retries", "3");
      assertEquals(200, r.status(), r.body());
      String id = r.json().get("messageId").asText();
      Poll.until(
          WAIT,
          "the message in the DLQ",
          () -> api.send("GET", "/v2/dlq", null).json().get("messages").size() == 1);
      JsonNode dlq = api.send("GET", "/v2/dlq", null).json().get("messages").get(0);
      assertEquals(id, dlq.get("messageId").asText());
      String error = dlq.get("error").asText();
      assertTrue(
          error.matches(
              "destination localhost \\(resolved to [0-9a-f.:]+\\) is denied by rule deny"
                  + " (127\\.0\\.0\\.0/8|::1): not connected, not retried"),
          error);
      List<String> states = new ArrayList<>();
      api.send("GET", "/v2/logs?messageId=" + id, null)
          .json()
          .get("events")
          .forEach(e -> states.add(e.get("state").asText()));
      assertEquals(1, states.stream().filter("ERROR"::equals).count(), "one attempt: " + states);
      assertTrue(states.contains("FAILED"), states.toString());
      assertTrue(receiver.received().isEmpty(), "nothing reached the receiver");
      String text = JarServer.read(log.toFile());
      assertTrue(text.contains("no retry: non-retryable"), text);
      assertTrue(text.contains("is denied by rule deny"), text);
    }
  }

  @Test
  void theProductionProfileDeniesLoopbackAndAnAllowRuleLetsOneAddressThrough() throws Exception {
    try (JarServer server =
        JarServer.start(
            dir.resolve("data"),
            dir.resolve("server.log"),
            "--destination-profile",
            "production",
            "--allow-destinations",
            "127.0.0.1/32")) {
      Api api = server.api();
      Api.Response r = api.publish(receiver.url("/allowed"), "x");
      assertEquals(200, r.status(), r.body());
      Poll.until(WAIT, "the delivery", () -> receiver.receivedOn("/allowed").size() == 1);

      String other = receiver.url("/other").replace("127.0.0.1", "127.0.0.2");
      r = api.publish(other, "x");
      assertEquals(400, r.status(), r.body());
      assertEquals(
          "destination " + other + " is denied by rule deny 127.0.0.0/8 (production profile)",
          r.json().get("error").asText());

      r = api.publish(byName("/by-name"), "x");
      assertEquals(400, r.status(), r.body());
      assertEquals(
          "destination "
              + byName("/by-name")
              + " is denied by rule deny localhost (production profile)",
          r.json().get("error").asText());
    }
  }

  @Test
  void withoutTheAllowRuleTheProductionProfileDeniesLoopback() throws Exception {
    try (JarServer server =
        JarServer.start(
            dir.resolve("data"),
            dir.resolve("server.log"),
            "--destination-profile",
            "production")) {
      Api.Response r = server.api().publish(receiver.url("/denied"), "x");
      assertEquals(400, r.status(), r.body());
      assertEquals(
          "destination "
              + receiver.url("/denied")
              + " is denied by rule deny 127.0.0.0/8 (production profile)",
          r.json().get("error").asText());
    }
  }

  /** The receiver's URL with the host written as a name. */
  private String byName(String path) {
    return receiver.url(path).replace("127.0.0.1", "localhost");
  }

  private static TestReceiver newReceiver() {
    try {
      return new TestReceiver();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
