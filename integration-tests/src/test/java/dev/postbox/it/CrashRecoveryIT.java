package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability across a crash: the packaged server runs as its own process, acknowledges publishes,
 * is killed with SIGKILL, restarts on the same data dir, and must deliver every acknowledged
 * message at least once.
 */
class CrashRecoveryIT {
  @TempDir Path work;

  @Test
  void everyAcknowledgedMessageIsDeliveredAfterKill9() throws Exception {
    Path dataDir = work.resolve("data");
    try (TestReceiver receiver = new TestReceiver()) {
      Set<String> deliveredIds = ConcurrentHashMap.newKeySet();
      receiver.respond(
          r -> {
            deliveredIds.add(r.header("Upstash-Message-Id"));
            return TestReceiver.Reply.ok();
          });
      JarServer server = JarServer.start(dataDir, work.resolve("first.log"));
      try (server) {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Api api = server.api();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
          List<Future<?>> futures = new ArrayList<>();
          for (int t = 0; t < 16; t++) {
            int thread = t;
            futures.add(
                pool.submit(
                    () -> {
                      for (int i = 0; i < 40; i++) {
                        // Half are delayed past the crash, half are due at once (some in flight).
                        String delay = i % 2 == 0 ? "3s" : "0s";
                        Api.Response r =
                            api.publish(
                                receiver.url("/crash/" + thread + "/" + i),
                                "body-" + thread + "-" + i,
                                "Upstash-Delay",
                                delay);
                        assertEquals(200, r.status(), r.body());
                        acknowledged.add(r.json().get("messageId").asText());
                      }
                    }));
          }
          for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
          }
        } finally {
          pool.shutdownNow();
        }
        assertEquals(640, acknowledged.size());
        Api.Response deduped =
            api.publish(
                receiver.url("/dedup"), "once", "Upstash-Deduplication-Id", "before-the-crash");
        assertEquals(200, deduped.status(), deduped.body());
        acknowledged.add(deduped.json().get("messageId").asText());
        server.kill();

        JarServer restarted = JarServer.start(dataDir, work.resolve("second.log"));
        try (restarted) {
          Poll.until(
              Duration.ofSeconds(60),
              "every acknowledged message delivered",
              () -> deliveredIds.containsAll(acknowledged));
          Set<String> missing = new HashSet<>(acknowledged);
          missing.removeAll(deliveredIds);
          assertTrue(missing.isEmpty(), "lost: " + missing);
          // The deduplication id survived the crash with its message.
          Api.Response again =
              restarted
                  .api()
                  .publish(
                      receiver.url("/dedup"),
                      "twice",
                      "Upstash-Deduplication-Id",
                      "before-the-crash");
          assertEquals(202, again.status(), again.body());
          assertEquals(
              deduped.json().get("messageId").asText(), again.json().get("messageId").asText());
          restarted.stop();
        }
      }
    }
  }
}
