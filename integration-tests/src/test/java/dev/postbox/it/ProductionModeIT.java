package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.postbox.app.Broker;
import dev.postbox.app.BrokerConfig;
import dev.postbox.app.Version;
import dev.postbox.core.tenant.DevTenants;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --token}: one production tenant, dev users off, rotated keys stored durably. */
class ProductionModeIT {
  private static final String TOKEN = "prod-token-0123456789";

  @TempDir Path dataDir;

  private Broker start() throws Exception {
    return InProcessBroker.start(dataDir, "--token", TOKEN);
  }

  @Test
  void theStartupBannerNeverPrintsAProductionSecret() throws Exception {
    String current = "current-key-0123456789-0123456789-abc";
    String next = "next-key-0123456789-0123456789-0123456";
    Path log = dataDir.resolve("server.log");
    Process p =
        JarServer.launch(
            dataDir.resolve("data"),
            JarServer.freePort(),
            log,
            "--token",
            TOKEN,
            "--current-signing-key",
            current,
            "--next-signing-key",
            next);
    try {
      Poll.until(
          Duration.ofSeconds(30),
          "the banner",
          () -> JarServer.read(log.toFile()).contains("QSTASH_URL="));
      String out = JarServer.read(log.toFile());
      assertTrue(out.contains("Postbox " + Version.version() + " is running"), out);
      // which transport the server chose, as operators need to know where io_uring is refused
      assertTrue(out.matches("(?s).* - network I/O: (io_uring|epoll|nio)\n.*"), out);
      for (String secret : new String[] {TOKEN, current, next}) {
        assertFalse(out.contains(secret), "a secret on stdout: " + out);
      }
      assertTrue(out.contains("QSTASH_TOKEN: "), out);
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  @Test
  void devUsersAreOffAndRotatedKeysSurviveARestart() throws Exception {
    String current;
    String next;
    try (Broker broker = start();
        TestReceiver receiver = new TestReceiver()) {
      String base = "http://127.0.0.1:" + broker.port();
      Api dev = new Api(base, DevTenants.DEFAULT_USER.token());
      assertEquals(401, dev.send("GET", "/v2/keys", null).status());
      Api prod = new Api(base, TOKEN);
      JsonNode keys = prod.send("GET", "/v2/keys", null).json();
      assertTrue(keys.get("current").asText().startsWith("sig_"));
      JsonNode rotated = prod.send("POST", "/v2/keys/rotate", null).json();
      assertEquals(keys.get("next").asText(), rotated.get("current").asText());
      assertNotEquals(keys.get("next").asText(), rotated.get("next").asText());
      current = rotated.get("current").asText();
      next = rotated.get("next").asText();

      prod.publish(receiver.url("/prod"), "p");
      Poll.until(Duration.ofSeconds(10), "delivery", () -> receiver.received().size() == 1);
      SignedJWT jwt = SignedJWT.parse(receiver.received().get(0).header("Upstash-Signature"));
      assertTrue(jwt.verify(new MACVerifier(current.getBytes(StandardCharsets.UTF_8))));
    }
    try (Broker again = start()) {
      JsonNode keys =
          new Api("http://127.0.0.1:" + again.port(), TOKEN).send("GET", "/v2/keys", null).json();
      assertEquals(current, keys.get("current").asText());
      assertEquals(next, keys.get("next").asText());
    }
  }

  @Test
  void badConfigurationIsRefusedAtStartup() {
    assertThrowsWithMessage(
        () -> BrokerConfig.parse(new String[] {"--port", "abc"}, Map.of()), "--port");
    assertThrowsWithMessage(
        () -> BrokerConfig.parse(new String[] {"--bogus", "1"}, Map.of()), "--bogus");
    assertThrowsWithMessage(
        () ->
            BrokerConfig.parse(
                new String[] {
                  "--token", "t", "--current-signing-key", "short", "--next-signing-key", "short"
                },
                Map.of()),
        "32");
    assertEquals(9999, BrokerConfig.parse(new String[0], Map.of("POSTBOX_PORT", "9999")).port());
    assertEquals(
        7, BrokerConfig.parse(new String[] {"--port=7"}, Map.of("POSTBOX_PORT", "9999")).port());
  }

  private static void assertThrowsWithMessage(Runnable r, String mentions) {
    try {
      r.run();
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().contains(mentions), e.getMessage());
      return;
    }
    throw new AssertionError("expected a configuration error mentioning " + mentions);
  }
}
