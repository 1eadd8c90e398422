package com.example.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FIFO queue across kill -9: the server dies in the middle of a queue; after the restart the
 * queue resumes from its earliest undelivered message, in order, still one at a time, and every
 * acknowledged message is delivered.
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
      try {
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
      } finally {
        restarted.stop();
      }
    }
  }
}
