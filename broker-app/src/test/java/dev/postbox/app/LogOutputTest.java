package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.postbox.core.tenant.DevTenants;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-format} and {@code --log-level}, and the lines an operator gets about deliveries.
 */
class LogOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @AfterEach
  void backToTheDefaultLog() {
    LogOutput.apply(BrokerConfig.defaults().logging());
  }

  @Test
  void theJsonFormatWritesOneParseableObjectALineWithTheEventsFields() throws Exception {
    LogOutput.apply(settings("--log-format", "json"), out);
    LoggerFactory.getLogger("test.json")
        .atInfo()
        .addKeyValue("messageId", "msg_1")
        .log("a \"quoted\" {}\nsecond line", "value");
    LoggerFactory.getLogger("test.json").warn("with a cause", new IllegalStateException("boom"));
    LoggerFactory.getLogger("test.json").debug("below the level");
    List<JsonNode> lines = jsonLines();
    assertEquals(2, lines.size(), text());
    JsonNode info = lines.get(0);
    assertEquals("INFO", info.get("level").asText());
    assertEquals("test.json", info.get("loggerName").asText());
    assertEquals("a \"quoted\" value\nsecond line", info.get("formattedMessage").asText());
    assertEquals("msg_1", kvp(info).get("messageId"));
    assertTrue(info.get("timestamp").asLong() > 0, info.toString());
    JsonNode warn = lines.get(1);
    assertEquals("WARN", warn.get("level").asText());
    assertEquals("boom", warn.get("throwable").get("message").asText());
  }

  @Test
  void theLevelComesFromTheSettingAndTheTextFormatIsOneLineAnEvent() {
    LogOutput.apply(settings("--log-level", "warn"), out);
    LoggerFactory.getLogger("test.text").info("not shown");
    LoggerFactory.getLogger("test.text").warn("shown");
    String text = text();
    assertFalse(text.contains("not shown"), text);
    assertTrue(text.matches("\\S+ WARN  \\[[^]]+] test\\.text - shown\\R"), text);
  }

  @Test
  void badLogSettingsAreRefusedNamingTheSetting() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BrokerConfig.parse(new String[] {"--log-format", "xml"}, Map.of()));
    assertEquals("--log-format must be text or json", e.getMessage());
    IllegalArgumentException level =
        assertThrows(
            IllegalArgumentException.class,
            () -> BrokerConfig.parse(new String[0], Map.of("POSTBOX_LOG_LEVEL", "loud")));
    assertTrue(level.getMessage().startsWith("--log-level must be"), level.getMessage());
    assertTrue(
        BrokerConfig.parse(new String[0], Map.of("POSTBOX_LOG_FORMAT", "json")).logging().json());
  }

  @Test
  void aFailedAttemptAndItsMoveToTheDlqAreEachOneInfoLine() throws Exception {
    LogOutput.apply(settings("--log-format", "json"), out);
    String url = "http://127.0.0.1:" + closedPort() + "/hook";
    String messageId;
    try (Broker broker =
        Broker.start(
            BrokerConfig.parse(
                new String[] {"--port", "0", "--data-dir", dataDir.toString()}, Map.of()))) {
      messageId = publish(broker, url, "Upstash-Retries", "1", "Upstash-Retry-Delay", "10");
      long deadline = System.currentTimeMillis() + 20_000;
      while (events("moved_to_dlq").isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
    }
    List<JsonNode> failed = events("attempt_failed");
    assertEquals(2, failed.size(), text());
    for (JsonNode line : failed) {
      assertEquals("INFO", line.get("level").asText());
      Map<String, String> f = kvp(line);
      assertEquals(messageId, f.get("messageId"));
      assertEquals(DevTenants.DEFAULT_USER.id(), f.get("tenant"));
      assertEquals(url, f.get("url"));
      assertEquals("1", f.get("retries"));
      assertTrue(f.containsKey("error"), line.toString());
    }
    assertEquals("1", kvp(failed.get(0)).get("attempt"));
    assertTrue(kvp(failed.get(0)).containsKey("nextAttemptAt"), failed.get(0).toString());
    assertTrue(
        failed.get(0).get("formattedMessage").asText().contains("attempt 1 of 2 failed"),
        failed.get(0).toString());
    assertEquals("2", kvp(failed.get(1)).get("attempt"));
    assertTrue(
        failed.get(1).get("formattedMessage").asText().endsWith("no retry left"),
        failed.get(1).toString());
    List<JsonNode> dlq = events("moved_to_dlq");
    assertEquals(1, dlq.size(), text());
    assertEquals(messageId, kvp(dlq.get(0)).get("messageId"));
    assertTrue(kvp(dlq.get(0)).get("dlqId").length() > 0, dlq.get(0).toString());
  }

  @Test
  void aSuccessfulDeliveryIsOneDebugLineAndDebugIsForTheServersOwnLoggersOnly() throws Exception {
    LogOutput.apply(settings("--log-format", "json"), out);
    assertFalse(LoggerFactory.getLogger("dev.postbox.core.delivery.DeliveryLog").isDebugEnabled());
    LogOutput.apply(settings("--log-level", "DEBUG", "--log-format", "json"), out);
    assertTrue(LoggerFactory.getLogger("dev.postbox.core.delivery.DeliveryLog").isDebugEnabled());
    assertFalse(LoggerFactory.getLogger("io.netty.buffer.PooledByteBufAllocator").isDebugEnabled());
    assertTrue(LoggerFactory.getLogger("io.netty.buffer.PooledByteBufAllocator").isInfoEnabled());
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/ok";
    try (Broker broker =
        Broker.start(
            BrokerConfig.parse(
                new String[] {"--port", "0", "--data-dir", dataDir.toString()}, Map.of()))) {
      String messageId = publish(broker, url, "Upstash-Retries", "0");
      long deadline = System.currentTimeMillis() + 20_000;
      while (events("delivered").isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      List<JsonNode> delivered = events("delivered");
      assertEquals(1, delivered.size(), text());
      assertEquals("DEBUG", delivered.get(0).get("level").asText());
      Map<String, String> f = kvp(delivered.get(0));
      assertEquals(messageId, f.get("messageId"));
      assertEquals(url, f.get("url"));
      assertEquals("200", f.get("status"));
      assertEquals("1", f.get("attempt"));
      assertEquals(List.of(), events("attempt_failed"));
    } finally {
      receiver.stop(0);
    }
  }

  /** Publishes "hi" to {@code url} as the default dev user; the message id. */
  private static String publish(Broker broker, String url, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + broker.port() + "/v2/publish/" + url))
            .header("Authorization", "Bearer " + DevTenants.DEFAULT_USER.token())
            .POST(HttpRequest.BodyPublishers.ofString("hi"));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("messageId").asText();
  }

  private static LoggingSettings settings(String... args) {
    return BrokerConfig.parse(args, Map.of()).logging();
  }

  private String text() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private List<JsonNode> jsonLines() {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text().split("\n")) {
      try {
        lines.add(JSON.readTree(line));
      } catch (IOException e) {
        throw new UncheckedIOException("not one JSON object: " + line, e);
      }
    }
    return lines;
  }

  private List<JsonNode> events(String event) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode line : jsonLines()) {
      if (event.equals(kvp(line).get("event"))) {
        found.add(line);
      }
    }
    return found;
  }

  /** The event's key-value pairs: Logback writes them as a list of one-key objects. */
  private static Map<String, String> kvp(JsonNode line) {
    Map<String, String> out = new HashMap<>();
    JsonNode list = line.get("kvpList");
    if (list != null) {
      list.forEach(
          pair -> pair.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText())));
    }
    return out;
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort(); // closed once returned: connections are refused
    }
  }
}
