package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postbox.core.tenant.DevTenants;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console with 1,000,000 stored messages (docs/console.md#scale): the packaged server stores
 * them through {@code POST /v2/batch} (1,000 a request, several requests in flight, each message
 * delayed 30 days so none is delivered), then integration-tests/console-e2e/scale.test.mjs opens
 * the messages page, the logs page, a message and the overview in headless Chromium, times each
 * until its first page of results is on screen, and checks that the list calls are paged. The times
 * go to the output and to {@code target/console-scale.json}; each must stay under a generous bound
 * (10 s): the load-time goal itself is the bench's.
 */
class ConsoleScaleIT {
  static final int MESSAGES = Integer.getInteger("postbox.scaleMessages", 1_000_000);
  static final int PER_BATCH = 1_000;
  static final int IN_FLIGHT = 4;

  @TempDir Path work;

  @Test
  void pagesLoadWithAMillionStoredMessages() throws Exception {
    Path dir = Path.of(System.getProperty("postbox.consoleE2eDir", "console-e2e")).toAbsolutePath();
    assertTrue(
        Files.isDirectory(dir.resolve("node_modules/playwright-core")),
        "run `npm ci --prefix integration-tests/console-e2e` first (missing node_modules)");
    String chromium = System.getProperty("postbox.chromium", "/usr/bin/chromium");
    assertTrue(Files.isExecutable(Path.of(chromium)), "missing " + chromium);
    Path data = work.resolve("data");
    try (JarServer server = JarServer.start(data, work.resolve("server.log"))) {
      long t0 = System.nanoTime();
      long stored = store(server.port);
      long storeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(MESSAGES, stored, "messages stored");
      long bytes = size(data);
      System.out.printf(
          "# stored %d messages in %d ms (%.0f/s); data dir %d MB%n",
          stored, storeMs, stored * 1000.0 / storeMs, bytes >> 20);
      // About 640 bytes a message (record, due entry, CREATED log entry) in one run: a modest
      // footprint; twice the bytes a message would mean something grew.
      assertTrue(bytes < MESSAGES * 1_300L, "data dir of " + bytes + " bytes");

      Path results = Path.of("target", "console-scale.json").toAbsolutePath();
      File out = work.resolve("scale-e2e.log").toFile();
      ProcessBuilder pb =
          new ProcessBuilder("node", "scale.test.mjs")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out);
      pb.environment().put("POSTBOX_URL", "http://127.0.0.1:" + server.port);
      pb.environment().put("CHROMIUM", chromium);
      pb.environment().put("RESULTS", results.toString());
      pb.environment().put("MAX_MS", "10000");
      Process p = pb.start();
      boolean done = p.waitFor(5, TimeUnit.MINUTES);
      if (!done) {
        p.destroyForcibly();
      }
      String output = JarServer.read(out);
      System.out.println(output);
      assertTrue(done, "scale e2e timed out:\n" + output);
      assertEquals(0, p.exitValue(), "scale e2e failed:\n" + output);
      assertTrue(output.contains("# pass 5") && output.contains("# fail 0"), output);
      assertFalse(output.contains("not ok"), output);
      String json = Files.readString(results);
      Files.writeString(
          results,
          json.replaceFirst(
              "\\{",
              "{\n  \"messages_stored\": "
                  + stored
                  + ",\n  \"store_ms\": "
                  + storeMs
                  + ",\n  \"data_dir_bytes\": "
                  + bytes
                  + ","));
    }
  }

  /** Publishes MESSAGES messages in batches, IN_FLIGHT requests at a time; answers how many. */
  private static long store(int port) throws Exception {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < PER_BATCH; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"destination\":\"http://127.0.0.1:9/scale\",")
          .append("\"headers\":{\"Upstash-Delay\":\"30d\",\"Upstash-Retries\":\"0\"},")
          .append("\"body\":\"scale\"}");
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/batch"))
            .header("Authorization", "Bearer " + DevTenants.DEFAULT_USER.token())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofMinutes(2))
            .POST(HttpRequest.BodyPublishers.ofString(b.append("]").toString()))
            .build();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ObjectMapper json = new ObjectMapper();
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicLong stored = new AtomicLong();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (int i = 0; i < MESSAGES / PER_BATCH; i++) {
      slots.acquire();
      sent.add(
          client
              .sendAsync(request, HttpResponse.BodyHandlers.ofString())
              .thenAccept(
                  r -> {
                    assertEquals(200, r.statusCode(), r.body());
                    try {
                      for (JsonNode n : json.readTree(r.body())) {
                        if (n.has("messageId")) {
                          stored.incrementAndGet();
                        }
                      }
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })
              .whenComplete((v, e) -> slots.release()));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    return stored.get();
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
