package dev.postbox.http.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.message.Redaction;
import dev.postbox.core.store.Positioned;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonViewsTest {
  private final JsonViews views = new JsonViews();

  private static Message.Builder base() {
    return Message.builder()
        .withTenant("t")
        .withId("msg_1")
        .withUrl("https://example.com/")
        .withHeaders(Map.of("Content-Type", List.of("application/json")))
        .withBody("{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8))
        .withCreatedAt(10)
        .withNotBefore(20);
  }

  @Test
  void messageHasTheRequiredKeysAndOmitsAbsentOnes() {
    ObjectNode o = views.message(base().build());
    for (String k :
        List.of(
            "messageId",
            "url",
            "method",
            "maxRetries",
            "notBefore",
            "createdAt",
            "header",
            "body")) {
      assertTrue(o.has(k), k);
    }
    assertEquals("{\"hello\":\"world\"}", o.get("body").asText());
    for (String k :
        List.of(
            "bodyBase64",
            "topicName",
            "label",
            "labels",
            "flowControlKey",
            "callback",
            "queueName")) {
      assertFalse(o.has(k), k);
    }
  }

  @Test
  void binaryBodiesAreBase64AndFlowControlAndLabelsShow() {
    ObjectNode o =
        views.message(
            base()
                .withBody(new byte[] {(byte) 0xff, 0})
                .withLabels(List.of("a", "b"))
                .withFlowControl(new FlowControl("k", 3, null, 86400))
                .withCallerIp("1.2.3.4")
                .build());
    assertFalse(o.has("body"));
    assertEquals("/wA=", o.get("bodyBase64").asText());
    assertEquals("a", o.get("label").asText());
    assertEquals(2, o.get("labels").size());
    assertEquals("k", o.get("flowControlKey").asText());
    assertEquals(3, o.get("parallelism").asInt());
    assertFalse(o.has("rate"));
    assertEquals(86400, o.get("period").asInt());
    assertEquals("1.2.3.4", o.get("callerIP").asText());
    assertEquals("1.2.3.4", o.get("callerIp").asText());
  }

  @Test
  void redactionHidesValuesBehindTheirHash() {
    ObjectNode o =
        views.message(
            base()
                .withHeaders(Map.of("Authorization", List.of("Bearer x"), "X-Ok", List.of("y")))
                .withRedaction(new Redaction(true, false, Set.of("Authorization")))
                .build());
    assertEquals(
        "REDACTED:93a23971a914e5eacbf0a8d25154cda309c3c1c72fbb9914d47c60f3cb681588",
        o.get("body").asText());
    assertTrue(o.get("header").get("Authorization").get(0).asText().startsWith("REDACTED:"));
    assertEquals("y", o.get("header").get("X-Ok").get(0).asText());
  }

  @Test
  void dlqAndLogShapes() {
    DlqEntry e =
        new DlqEntry(
            "5-0",
            base().build(),
            5,
            404,
            Map.of("X-R", List.of("r")),
            "404 Not Found".getBytes(),
            null);
    ObjectNode d = views.dlqMessage(e);
    assertEquals("5-0", d.get("dlqId").asText());
    assertEquals(404, d.get("responseStatus").asInt());
    assertEquals("404 Not Found", d.get("responseBody").asText());
    ObjectNode page = views.dlqPage(List.of(e), null);
    assertFalse(page.has("cursor"));
    assertEquals(1, page.get("messages").size());

    LogEntry log =
        new LogEntry(
            7,
            MessageState.CANCELED,
            base().withRetryDelayExpression("1000").build(),
            null,
            0,
            0,
            Map.of(),
            null);
    ObjectNode l = views.logEntry(new Positioned<>("7-1", log));
    assertEquals("CANCELED", l.get("state").asText());
    assertEquals("eyJoZWxsbyI6IndvcmxkIn0=", l.get("body").asText());
    assertEquals("1000", l.get("retryDelayExpr").asText());
    ObjectNode logs = views.logsPage(List.of(new Positioned<>("7-1", log)), "7-1");
    assertEquals("7-1", logs.get("cursor").asText());
    assertEquals(logs.get("events"), logs.get("logs"));
  }
}
