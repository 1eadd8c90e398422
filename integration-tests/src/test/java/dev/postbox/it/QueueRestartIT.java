package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queues and flow control across kill -9. A FIFO queue: the server dies in the middle of it; after
 * the restart the queue resumes from its earliest undelivered message, in order, still one at a
 * time, and every acknowledged message is delivered. A paused flow-control key: it is still paused
 * after the restart, with its waitlist, which is delivered once it is resumed.
 */
class QueueRestartIT {
  private static final int MESSAGES = 60;

  @TempDir Path work;

  @Test
  void aQueueKeepsItsOrderAcrossKill9() throws Exception {
    Path dataDir = work.resolve("data");
    AtomicInteger open = new AtomicInteger();
    AtomicInteger maxOpen = new AtomicInteger();
    try (TestReceiver receiver = new TestReceiver()) {
      receiver.respond(
          r -> {
            maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            try {
              Thread.sleep(30); // slow enough that most of the queue waits at the kill
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              open.decrementAndGet();
            }
            return TestReceiver.Reply.ok();
          });
      JarServer server = JarServer.start(dataDir, work.resolve("first.log"));
      try (server) {
        Api api = server.api();
        Api.Response created =
            api.send("POST", "/v2/queues", "{\"queueName\":\"orders\",\"parallelism\":1}");
        assertEquals(200, created.status(), created.body());
        for (int i = 0; i < MESSAGES; i++) {
          Api.Response r =
              api.send("POST", "/v2/enqueue/orders/" + receiver.url("/q/" + i), "body-" + i);
          assertEquals(200, r.status(), r.body());
        }
        Poll.until(
            Duration.ofSeconds(30),
            "a third of the queue delivered",
            () -> receiver.receivedOn("/q/").size() >= MESSAGES / 3);
        server.kill();
        int beforeRestart = receiver.receivedOn("/q/").size();

        JarServer restarted = JarServer.start(dataDir, work.resolve("second.log"));
        try (restarted) {
          Poll.until(
              Duration.ofSeconds(60),
              "the last message delivered",
              () -> !receiver.receivedOn("/q/" + (MESSAGES - 1)).isEmpty());
          // Arrivals with an immediate repeat (the one in flight at the kill) collapsed: 0..59.
          List<Integer> order = new ArrayList<>();
          for (TestReceiver.Received r : receiver.receivedOn("/q/")) {
            int i = Integer.parseInt(r.path().substring("/q/".length()));
            if (order.isEmpty() || order.get(order.size() - 1) != i) {
              order.add(i);
            }
          }
          assertEquals(IntStream.range(0, MESSAGES).boxed().toList(), order);
          assertEquals(1, maxOpen.get(), "never two messages of the queue at once");
          assertEquals(
              true,
              beforeRestart < MESSAGES,
              "the kill came before the queue was drained (" + beforeRestart + " delivered)");
          Poll.until(
              Duration.ofSeconds(10),
              "lag 0 after the restart",
              () -> {
                Api.Response q = restarted.api().send("GET", "/v2/queues/orders", null);
                return q.status() == 200
                    && q.json().get("lag").asLong() == 0
                    && q.json().get("parallelism").asInt() == 1;
              });
          restarted.stop();
        }
      }
    }
  }

  @Test
  void aPausedFlowKeyKeepsItsWaitlistAcrossKill9() throws Exception {
    Path dataDir = work.resolve("flow");
    try (TestReceiver receiver = new TestReceiver()) {
      JarServer server = JarServer.start(dataDir, work.resolve("flow-first.log"));
      try (server) {
        Api api = server.api();
        String[] flow = {
          "Upstash-Flow-Control-Key", "reports", "Upstash-Flow-Control-Value", "parallelism=1"
        };
        Api.Response first = api.publish(receiver.url("/later"), "x", withDelay(flow));
        assertEquals(200, first.status(), first.body());
        assertEquals(200, api.send("POST", "/v2/flowControl/reports/pause", null).status());
        for (int i = 0; i < 5; i++) {
          assertEquals(200, api.publish(receiver.url("/w/" + i), "b" + i, flow).status());
        }
        Poll.until(Duration.ofSeconds(10), "5 waiting", () -> waitList(api) == 5);
        server.kill();

        JarServer restarted = JarServer.start(dataDir, work.resolve("flow-second.log"));
        try (restarted) {
          Api again = restarted.api();
          Api.Response key = again.send("GET", "/v2/flowControl/reports", null);
          assertEquals(200, key.status(), key.body());
          assertEquals(true, key.json().get("isPaused").asBoolean());
          assertEquals(1, key.json().get("parallelismMax").asInt());
          Poll.until(Duration.ofSeconds(10), "5 waiting again", () -> waitList(again) == 5);
          assertEquals(0, receiver.receivedOn("/w/").size());
          assertEquals(200, again.send("POST", "/v2/flowControl/reports/resume", null).status());
          Poll.until(
              Duration.ofSeconds(20),
              "the waitlist delivered",
              () -> receiver.receivedOn("/w/").size() == 5);
          restarted.stop();
        }
      }
    }
  }

  private static String[] withDelay(String[] headers) {
    String[] out = Arrays.copyOf(headers, headers.length + 2);
    out[headers.length] = "Upstash-Delay";
    out[headers.length + 1] = "1h";
    return out;
  }

  private static int waitList(Api api) {
    Api.Response r = api.send("GET", "/v2/flowControl/reports", null);
    return r.status() == 200 ? r.json().get("waitListSize").asInt() : -1;
  }
}
