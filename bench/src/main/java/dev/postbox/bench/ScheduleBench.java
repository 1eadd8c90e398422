package dev.postbox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Schedule firing accuracy on a server started with the test-only {@code --cron-seconds}: {@code
 * count} schedules firing every 10 s, first spread over the ten seconds (schedule {@code i} at
 * second {@code i % 10}, about count/10 ticks a second), then all at the same second (the top of
 * the minute, when every {@code * * * * *} schedule fires). Two errors per tick: fire (due time to
 * the message stored, from the broker's CREATED log) and arrival (due time to the receiver,
 * including the synced write and the delivery). Then the data dir is reopened: the startup time
 * with that many schedules, and whether ticks resume.
 */
final class ScheduleBench {
  private static final long PERIOD_MS = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final HttpSink receiver;
  private final Map<String, Object> r;
  private String base;

  private ScheduleBench(HttpSink receiver, Map<String, Object> r) {
    this.receiver = receiver;
    this.r = r;
  }

  static void run(
      Path jar, Path work, HttpSink receiver, int count, int rounds, Map<String, Object> r)
      throws Exception {
    new ScheduleBench(receiver, r).run(jar, work, count, rounds);
  }

  private void run(Path jar, Path work, int count, int rounds) throws Exception {
    Path data = work.resolve("schedules");
    List<String> cronSeconds = List.of("--cron-seconds", "true");
    // e.g. -Dpostbox.scheduleJvmArgs=-XX:StartFlightRecording=filename=s.jfr to profile the server
    String extra = System.getProperty("postbox.scheduleJvmArgs", "").trim();
    List<String> jvmArgs = extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
    try (ServerProcess s =
        new ServerProcess(
            jar,
            data,
            ServerProcess.freePort(),
            work.resolve("schedules.log"),
            jvmArgs,
            cronSeconds,
            receiver.url("/probe"))) {
      base = s.base();
      long t0 = System.nanoTime();
      int failed = create(count, 10);
      r.put("schedule_create_rps", Stats.round(count / ((System.nanoTime() - t0) / 1e9)));
      r.put("schedule_count", count - failed);
      measure("schedule", count - failed, rounds);
      failed = create(count, 1); // replaces every schedule: now all fire at second 0
      measure("schedule_burst", count - failed, rounds);
      r.put("schedule_heap_mb", Stats.round(s.heapUsedAfterGcMb()));
    }
    receiver.ticks.clear();
    receiver.trackTicks = true;
    try (ServerProcess again =
        new ServerProcess(
            jar,
            data,
            ServerProcess.freePort(),
            work.resolve("schedules2.log"),
            List.of(),
            cronSeconds,
            receiver.url("/probe"))) {
      r.put("schedule_startup_ms", again.startupMillis);
      long deadline = System.currentTimeMillis() + 15_000;
      while (receiver.ticks.isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      r.put("schedule_ticks_after_restart", !receiver.ticks.isEmpty());
    } finally {
      receiver.trackTicks = false;
    }
  }

  /** Watches {@code rounds} whole periods from the next boundary and records the errors. */
  private void measure(String prefix, int count, int rounds) throws Exception {
    long start = (System.currentTimeMillis() / PERIOD_MS + 1) * PERIOD_MS;
    long end = start + rounds * PERIOD_MS;
    Thread.sleep(Math.max(0, start - System.currentTimeMillis() - 500));
    receiver.ticks.clear();
    receiver.trackTicks = true;
    Thread.sleep(Math.max(0, end + 5_000 - System.currentTimeMillis()));
    receiver.trackTicks = false;

    List<List<Double>> arrival = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      arrival.add(new ArrayList<>());
    }
    for (long[] t : receiver.ticks) {
      long due = due(t[0], t[1]);
      if (due >= start && due < end) {
        arrival.get((int) ((due - start) / PERIOD_MS)).add((double) (t[1] - due));
      }
    }
    List<Double> all = new ArrayList<>();
    arrival.forEach(all::addAll);
    List<Double> fire = fireErrors(start, end);
    r.put(prefix + "_ticks_expected", (long) count * rounds);
    r.put(prefix + "_ticks_fired", fire.size());
    r.put(prefix + "_ticks_received", all.size());
    r.put(prefix + "_fire_error_p50_ms", Stats.round(Stats.percentile(fire, 50)));
    r.put(prefix + "_fire_error_p99_ms", Stats.round(Stats.percentile(fire, 99)));
    r.put(prefix + "_fire_error_max_ms", Stats.round(Stats.percentile(fire, 100)));
    r.put(prefix + "_arrival_error_p50_ms", Stats.round(Stats.percentile(all, 50)));
    r.put(prefix + "_arrival_error_p99_ms", Stats.round(Stats.percentile(all, 99)));
    r.put(prefix + "_arrival_error_max_ms", Stats.round(Stats.percentile(all, 100)));
    r.put(
        prefix + "_arrival_error_p99_ms_first_round",
        Stats.round(Stats.percentile(arrival.get(0), 99)));
    r.put(
        prefix + "_arrival_error_p99_ms_last_round",
        Stats.round(Stats.percentile(arrival.get(rounds - 1), 99)));
  }

  /** The due time of a tick of the schedule at {@code second}: the latest one at or before. */
  private static long due(long second, long at) {
    return at - Math.floorMod(at - second * 1000, PERIOD_MS);
  }

  /** Due time to CREATED, for the ticks due in [start, end), from the broker's logs. */
  private List<Double> fireErrors(long start, long end) throws Exception {
    List<Double> out = new ArrayList<>();
    String cursor = null;
    do {
      String url =
          base
              + "/v2/logs?state=CREATED&count=1000"
              + (cursor == null
                  ? ""
                  : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(url))
              .header("Authorization", "Bearer " + ServerProcess.TOKEN)
              .build();
      JsonNode page = JSON.readTree(client.send(req, HttpResponse.BodyHandlers.ofString()).body());
      boolean older = false;
      for (JsonNode e : page.get("logs")) {
        String dest = e.get("url").asText();
        int at = dest.indexOf("/sched/");
        long created = e.get("time").asLong();
        if (at < 0) {
          continue;
        }
        long due = due(Long.parseLong(dest.substring(at + 7)), created);
        if (due >= start && due < end) {
          out.add((double) (created - due));
        }
        older |= created < start;
      }
      cursor = older || !page.hasNonNull("cursor") ? null : page.get("cursor").asText();
    } while (cursor != null);
    return out;
  }

  /** Creates (or replaces) the schedules, 64 requests at a time; returns how many failed. */
  private int create(int count, int spread) throws Exception {
    Semaphore window = new Semaphore(64);
    AtomicInteger failed = new AtomicInteger();
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int second = i % spread;
      HttpRequest req =
          HttpRequest.newBuilder(
                  URI.create(base + "/v2/schedules/" + receiver.url("/sched/" + second)))
              .header("Authorization", "Bearer " + ServerProcess.TOKEN)
              .header("Upstash-Cron", second + "/10 * * * * *")
              .header("Upstash-Schedule-Id", "bench-" + i)
              .POST(HttpRequest.BodyPublishers.ofString("{\"tick\":" + i + "}"))
              .build();
      window.acquire();
      all.add(
          client
              .sendAsync(req, HttpResponse.BodyHandlers.discarding())
              .whenComplete(
                  (res, e) -> {
                    window.release();
                    if (e != null || res.statusCode() != 200) {
                      failed.incrementAndGet();
                    }
                  }));
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).exceptionally(e -> null).join();
    return failed.get();
  }
}
