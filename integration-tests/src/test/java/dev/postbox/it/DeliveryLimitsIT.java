package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postbox.app.Broker;
import dev.postbox.core.tenant.DevTenants;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timeouts and per-host limits with real, misbehaving receivers. */
class DeliveryLimitsIT {
  @TempDir Path dataDir;

  @Test
  void aHangingDestinationTimesOutAndASlowHostDoesNotDelayOthers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Broker broker = InProcessBroker.start(dataDir, "--max-in-flight-per-host", "2");
        TestReceiver slow = new TestReceiver();
        TestReceiver fast = new TestReceiver()) {
      slow.respond(
          r -> {
            try {
              release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return TestReceiver.Reply.ok();
          });
      Api api = new Api("http://127.0.0.1:" + broker.port(), DevTenants.DEFAULT_USER.token());
      String timedOut =
          api.publish(slow.url("/hang"), "x", "Upstash-Timeout", "300ms", "Upstash-Retries", "0")
              .json()
              .get("messageId")
              .asText();
      for (int i = 0; i < 5; i++) {
        api.publish(slow.url("/slow/" + i), "x");
      }
      long start = System.currentTimeMillis();
      api.publish(fast.url("/fast"), "x");
      Poll.until(Duration.ofSeconds(5), "fast delivery", () -> fast.received().size() == 1);
      assertTrue(
          System.currentTimeMillis() - start < 2000, "the fast host waited for the slow one");
      assertTrue(slow.received().size() <= 3, "per-host cap: " + slow.received().size());

      Poll.until(
          Duration.ofSeconds(10),
          "timeout to reach the DLQ",
          () ->
              api.send("GET", "/v2/dlq?messageId=" + timedOut, null).json().get("messages").size()
                  == 1);
      JsonNode entry =
          api.send("GET", "/v2/dlq?messageId=" + timedOut, null).json().get("messages").get(0);
      assertEquals(0, entry.get("responseStatus").asInt());
      assertTrue(entry.get("error").asText().contains("timed out"), entry.toString());
      release.countDown();
      Poll.until(Duration.ofSeconds(15), "slow deliveries", () -> slow.received().size() >= 6);
    }
  }
}
