package com.example.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.broker.core.tenant.DevTenants;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
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
      int port = freePort();
      Process server = startServer(port, dataDir, "first");
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      Api api = new Api("http://127.0.0.1:" + port, DevTenants.DEFAULT_USER.token());
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
      server.destroyForcibly(); // SIGKILL: no shutdown hook, no RocksDB close
      assertTrue(server.waitFor(30, TimeUnit.SECONDS));

      int port2 = freePort();
      Process restarted = startServer(port2, dataDir, "second");
      try {
        Poll.until(
            Duration.ofSeconds(60),
            "every acknowledged message delivered",
            () -> deliveredIds.containsAll(acknowledged));
        Set<String> missing = new HashSet<>(acknowledged);
        missing.removeAll(deliveredIds);
        assertTrue(missing.isEmpty(), "lost: " + missing);
      } finally {
        restarted.destroy(); // SIGTERM: graceful
        assertTrue(restarted.waitFor(30, TimeUnit.SECONDS), "graceful shutdown took too long");
      }
    }
  }

  private Process startServer(int port, Path dataDir, String name) throws Exception {
    Path jar = Path.of(System.getProperty("postbox.jar", "../broker-app/target/postbox.jar"));
    assertTrue(Files.exists(jar), "build the server first: missing " + jar);
    File log = work.resolve(name + ".log").toFile();
    Process p =
        new ProcessBuilder(
                javaBinary(),
                "-jar",
                jar.toString(),
                "--port",
                Integer.toString(port),
                "--data-dir",
                dataDir.toString())
            .redirectErrorStream(true)
            .redirectOutput(log)
            .start();
    Api probe = new Api("http://127.0.0.1:" + port, DevTenants.DEFAULT_USER.token());
    Poll.until(
        Duration.ofSeconds(30),
        "server " + name + " to start (log: " + log + ")",
        () -> {
          if (!p.isAlive()) {
            throw new AssertionError("server exited: " + read(log));
          }
          try {
            return probe.send("GET", "/v2/keys", null).status() == 200;
          } catch (AssertionError notYet) {
            return false;
          }
        });
    return p;
  }

  private static String read(File f) {
    try {
      return Files.readString(f.toPath());
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
