package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server keeps a message readable for {@code --keep-ended} after it ended, so a read
 * right after a publish does not race the delivery (docs/api.md#messages); afterwards it is a 404.
 */
class EndedMessageIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path work;

  @Test
  void aDeliveredOrFailedMessageIsReadableForTheDefaultMinute() throws Exception {
    try (TestReceiver receiver = new TestReceiver();
        JarServer server = JarServer.start(work.resolve("data"), work.resolve("server.log"))) {
      receiver.respond(
          r ->
              r.path().startsWith("/fails")
                  ? TestReceiver.Reply.status(500)
                  : TestReceiver.Reply.ok());
      Api api = server.api();
      String url = receiver.url("/hook?x=1");
      Api.Response r =
          api.publish(
              url,
              "{\"hello\":\"world\"}",
              "Content-Type",
              "application/json",
              "Upstash-Forward-Test-Header",
              "test-value",
              "Upstash-Retries",
              "2",
              "Upstash-Label",
              "ended");
      assertEquals(200, r.status(), r.body());
      String id = r.json().get("messageId").asText();
      Poll.until(WAIT, "the delivery", () -> receiver.receivedOn("/hook").size() == 1);
      Poll.until(WAIT, "the DELIVERED log", () -> states(api, id).contains("DELIVERED"));

      Api.Response got = api.send("GET", "/v2/messages/" + id, null);
      assertEquals(200, got.status(), got.body());
      JsonNode m = got.json();
      assertEquals(id, m.get("messageId").asText());
      assertEquals(url, m.get("url").asText());
      assertEquals("POST", m.get("method").asText());
      assertEquals("{\"hello\":\"world\"}", m.get("body").asText());
      assertEquals("test-value", m.get("header").get("Test-Header").get(0).asText());
      assertEquals(2, m.get("maxRetries").asInt());
      assertEquals("ended", m.get("labels").get(0).asText());
      assertTrue(m.get("createdAt").asLong() > 0, m.toString());
      assertTrue(m.has("notBefore"), m.toString());

      Api.Response cancel = api.send("DELETE", "/v2/messages/" + id, null);
      assertEquals(404, cancel.status(), "an ended message cannot be cancelled: " + cancel.body());
      assertEquals(200, api.send("GET", "/v2/messages/" + id, null).status());

      Api.Response failing = api.publish(receiver.url("/fails"), "x", "Upstash-Retries", "0");
      String failed = failing.json().get("messageId").asText();
      Poll.until(WAIT, "the FAILED log", () -> states(api, failed).contains("FAILED"));
      Api.Response dead = api.send("GET", "/v2/messages/" + failed, null);
      assertEquals(200, dead.status(), dead.body());
      assertEquals(0, dead.json().get("maxRetries").asInt());
    }
  }

  @Test
  void afterTheWindowTheMessageIsGone() throws Exception {
    try (TestReceiver receiver = new TestReceiver();
        JarServer server =
            JarServer.start(
                work.resolve("data"), work.resolve("server.log"), "--keep-ended", "1s")) {
      Api api = server.api();
      String id = api.publish(receiver.url("/short"), "x").json().get("messageId").asText();
      Poll.until(WAIT, "the DELIVERED log", () -> states(api, id).contains("DELIVERED"));
      Poll.until(
          WAIT,
          "a 404 after the window",
          () -> api.send("GET", "/v2/messages/" + id, null).status() == 404);
    }
  }

  private static List<String> states(Api api, String id) {
    JsonNode page = api.send("GET", "/v2/events?order=earliestFirst&messageId=" + id, null).json();
    List<String> out = new ArrayList<>();
    page.get("events").forEach(e -> out.add(e.get("state").asText()));
    return out;
  }
}
