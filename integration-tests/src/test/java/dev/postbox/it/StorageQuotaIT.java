package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.app.Broker;
import dev.postbox.core.tenant.DevTenants;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --max-storage}: 507 beyond the quota, nothing stored harmed, publishing resumes. */
class StorageQuotaIT {
  @TempDir Path dataDir;

  @Test
  void publishesBeyondTheQuotaGet507AndResumeWhenSpaceFrees() throws Exception {
    try (Broker broker = InProcessBroker.start(dataDir, "--max-storage", "1m")) {
      Api api = new Api("http://127.0.0.1:" + broker.port(), DevTenants.DEFAULT_USER.token());
      String body = "x".repeat(32 * 1024);
      List<String> stored = new ArrayList<>();
      Api.Response full = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (full == null && System.nanoTime() < deadline) {
        Api.Response r = api.publish("http://127.0.0.1:9/quota", body, "Upstash-Delay", "1h");
        if (r.status() == 507) {
          full = r;
        } else {
          assertEquals(200, r.status(), r.body());
          stored.add(r.json().get("messageId").asText());
        }
      }
      assertTrue(full != null, "the quota was never reached");
      assertTrue(full.json().get("error").asText().contains("storage quota"), full.body());
      for (String id : stored) {
        assertEquals(
            200, api.send("GET", "/v2/messages/" + id, null).status(), "stored message harmed");
      }
      // How many fit before the quota's next reading depends on the publish rate: cancel them all,
      // 500 at a time (a bulk cancel's page).
      int cancelled = 0;
      for (int n = -1; n != 0; ) {
        n = api.send("DELETE", "/v2/messages?count=500", null).json().get("cancelled").asInt();
        cancelled += n;
      }
      assertEquals(stored.size(), cancelled);
      Poll.until(
          Duration.ofSeconds(30),
          "publishing to resume after space was freed",
          () ->
              api.publish("http://127.0.0.1:9/quota", "small", "Upstash-Delay", "1h").status()
                  == 200);
    }
  }
}
