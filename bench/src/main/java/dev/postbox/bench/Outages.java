package dev.postbox.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Chaos scenarios with misbehaving destinations: a receiver outage, and one slow receiver. */
final class Outages {
  private Outages() {}

  /**
   * The receiver goes down while publishing goes on; when it comes back the backlog must drain with
   * nothing lost, and the heap must stay bounded meanwhile.
   */
  static Map<String, Object> receiverOutage(Path jar, Path work, int outageSeconds, int perSecond)
      throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    int receiverPort = ServerProcess.freePort();
    try (HttpSink probe = new HttpSink(true);
        ServerProcess server =
            new ServerProcess(
                jar,
                work.resolve("outage-data"),
                ServerProcess.freePort(),
                work.resolve("outage.log"),
                List.of(),
                probe.url("/probe"))) {
      String destination = "http://127.0.0.1:" + receiverPort + "/outage";
      Publisher publisher = new Publisher(server.base(), ServerProcess.TOKEN);
      publisher.retryEverySecond = true;
      // The receiver is down from the start: every attempt is refused and retried.
      publisher.atRate(
          destination, "{\"outage\":true}".getBytes(), perSecond, outageSeconds, i -> 0);
      double heapDuring = server.heapUsedAfterGcMb();
      Set<String> acked = new HashSet<>(publisher.acked.keySet());
      publisher.close();
      long back = System.nanoTime();
      try (HttpSink receiver = new HttpSink(true, receiverPort, 0)) {
        receiver.trackArrivals = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!receiver.deliveries.keySet().containsAll(acked) && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        Set<String> missing = new HashSet<>(acked);
        missing.removeAll(receiver.deliveries.keySet());
        // Not delivered is not lost when retries ran out and the message is in the DLQ.
        int deadLettered = 0;
        HttpClient http = HttpClient.newHttpClient();
        for (String id : missing) {
          HttpRequest dlq =
              HttpRequest.newBuilder(URI.create(server.base() + "/v2/dlq?messageId=" + id))
                  .header("Authorization", "Bearer " + ServerProcess.TOKEN)
                  .build();
          if (http.send(dlq, HttpResponse.BodyHandlers.ofString()).body().contains(id)) {
            deadLettered++;
          }
        }
        out.put("outage_seconds", outageSeconds);
        out.put("acknowledged", acked.size());
        out.put("delivered_after_recovery", acked.size() - missing.size());
        out.put("dead_lettered", deadLettered);
        out.put("lost", missing.size() - deadLettered);
        out.put("drain_seconds", Stats.round((System.nanoTime() - back) / 1e9));
        out.put("heap_during_outage_mb", Stats.round(heapDuring));
        out.put("heap_after_mb", Stats.round(server.heapUsedAfterGcMb()));
      }
    }
    return out;
  }

  /**
   * One destination answers in 10 s with thousands of messages waiting for it; deliveries to
   * another destination must not slow down.
   */
  static Map<String, Object> slowReceiver(Path jar, Path work, int slowMessages, int seconds)
      throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    try (HttpSink slow = new HttpSink(true, 0, 10_000);
        HttpSink fast = new HttpSink(true);
        ServerProcess server =
            new ServerProcess(
                jar,
                work.resolve("slow-data"),
                ServerProcess.freePort(),
                work.resolve("slow.log"),
                List.of(),
                fast.url("/probe"))) {
      fast.trackArrivals = true;
      Publisher warm = new Publisher(server.base(), ServerProcess.TOKEN);
      warm.atRate(fast.url("/warm"), "{}".getBytes(), 500, seconds, i -> 0); // JIT, discarded
      waitFor(fast, warm, 30);
      warm.close();
      Publisher baseline = new Publisher(server.base(), ServerProcess.TOKEN);
      baseline.atRate(fast.url("/before"), "{}".getBytes(), 500, seconds, i -> 0);
      waitFor(fast, baseline, 30);
      List<Double> before = latencies(fast, baseline);
      baseline.close();

      Publisher flood = new Publisher(server.base(), ServerProcess.TOKEN);
      flood.bulk(slow.url("/slow"), "{}".getBytes(), slowMessages, 64, 0);
      flood.close();
      Publisher during = new Publisher(server.base(), ServerProcess.TOKEN);
      during.atRate(fast.url("/during"), "{}".getBytes(), 500, seconds, i -> 0);
      waitFor(fast, during, 30);
      List<Double> with = latencies(fast, during);
      during.close();
      out.put("slow_destination_messages", slowMessages);
      out.put("slow_reply_ms", 10_000);
      out.put("fast_p50_ms_before", Stats.round(Stats.percentile(before, 50)));
      out.put("fast_p99_ms_before", Stats.round(Stats.percentile(before, 99)));
      out.put("fast_p50_ms_during", Stats.round(Stats.percentile(with, 50)));
      out.put("fast_p99_ms_during", Stats.round(Stats.percentile(with, 99)));
      out.put("fast_delivered_during", with.size());
      out.put("slow_answered_meanwhile", slow.count.get());
    }
    return out;
  }

  /**
   * A storage quota: publishes beyond it get 507, stored messages stay intact, and publishing
   * resumes once cancelling frees space.
   */
  static Map<String, Object> storageFull(Path jar, Path work) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    try (HttpSink sink = new HttpSink(true);
        ServerProcess server =
            new ServerProcess(
                jar,
                work.resolve("quota-data"),
                ServerProcess.freePort(),
                work.resolve("quota.log"),
                List.of(),
                List.of("--max-storage", "4m"),
                sink.url("/probe"))) {
      HttpClient http = HttpClient.newHttpClient();
      String body = "x".repeat(16 * 1024);
      List<String> stored = new ArrayList<>();
      int refused = 0;
      String error = null;
      for (int i = 0; i < 2000 && refused < 20; i++) {
        HttpResponse<String> r =
            http.send(
                publish(server, "Upstash-Delay", "1h", body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 507) {
          refused++;
          error = r.body();
        } else if (r.statusCode() == 200) {
          stored.add(r.body().replaceAll(".*\"messageId\":\"([^\"]+)\".*", "$1"));
        }
      }
      int intact = 0;
      for (String id : stored) {
        HttpRequest get =
            HttpRequest.newBuilder(URI.create(server.base() + "/v2/messages/" + id))
                .header("Authorization", "Bearer " + ServerProcess.TOKEN)
                .build();
        if (http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          intact++;
        }
      }
      HttpRequest cancel =
          HttpRequest.newBuilder(URI.create(server.base() + "/v2/messages?count=500"))
              .header("Authorization", "Bearer " + ServerProcess.TOKEN)
              .DELETE()
              .build();
      http.send(cancel, HttpResponse.BodyHandlers.discarding());
      long freed = System.nanoTime();
      boolean resumed = false;
      while (!resumed && System.nanoTime() - freed < TimeUnit.SECONDS.toNanos(60)) {
        resumed =
            http.send(
                        publish(server, "Upstash-Delay", "1h", "small"),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode()
                == 200;
        if (!resumed) {
          Thread.sleep(200);
        }
      }
      out.put("quota", "4m");
      out.put("accepted_before_full", stored.size());
      out.put("refused_507", refused);
      out.put("error", error);
      out.put("stored_messages_intact", intact + "/" + stored.size());
      out.put("resumed_after_freeing", resumed);
      out.put("seconds_to_resume", Stats.round((System.nanoTime() - freed) / 1e9));
    }
    return out;
  }

  private static HttpRequest publish(
      ServerProcess server, String header, String value, String body) {
    return HttpRequest.newBuilder(
            URI.create(server.base() + "/v2/publish/http://127.0.0.1:9/quota"))
        .header("Authorization", "Bearer " + ServerProcess.TOKEN)
        .header(header, value)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static void waitFor(HttpSink sink, Publisher p, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!sink.arrivals.keySet().containsAll(p.acked.keySet()) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private static List<Double> latencies(HttpSink sink, Publisher p) {
    List<Double> out = new ArrayList<>();
    p.acked.forEach(
        (id, ack) -> {
          Long at = sink.arrivals.get(id);
          if (at != null) {
            out.add(Math.max(0, at - ack) / 1e6);
          }
        });
    return out;
  }
}
