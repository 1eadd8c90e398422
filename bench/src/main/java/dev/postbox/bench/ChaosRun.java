package dev.postbox.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/chaos [--quick]}: the crash loop ({@link CrashLoop}), 5 kills in quick mode and 20
 * in the full run, then the bad-input generator ({@link BadInput}), 10,000 requests in quick mode
 * and 100,000 in the full run, a receiver outage and a slow receiver ({@link Outages}); writes
 * {@code bench/results/chaos.json}; exits 1 if anything acknowledged was lost (crash loop or
 * outage), any bad request got a 5xx, or the server stopped answering.
 */
public final class ChaosRun {
  private ChaosRun() {}

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    Path root = Path.of(System.getProperty("postbox.root", ".")).toAbsolutePath().normalize();
    // -Dpostbox.jar=other.jar compares another build (A/B) under the same load.
    Path jar =
        Path.of(
            System.getProperty(
                "postbox.jar", root.resolve("broker-app/target/postbox.jar").toString()));
    boolean crashOnly = List.of(args).contains("--crash-only");
    Path work = Files.createTempDirectory("postbox-chaos");
    long seed = System.nanoTime();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mode", quick ? "quick" : "full");
    out.put("when", Instant.now().toString());
    out.put("seed", seed);

    int kills = quick ? 5 : 20;
    System.err.println("[chaos] crash loop: " + kills + " kill -9 under load (seed " + seed + ")");
    // -Dpostbox.bodyBytes=N publishes bodies of N bytes (1 KiB and more are stored apart).
    int bodyBytes = Integer.getInteger("postbox.bodyBytes", 0);
    CrashLoop.Result r = CrashLoop.run(jar, work.resolve("crash"), kills, 1000, seed, bodyBytes);
    Map<String, Object> loop = new LinkedHashMap<>();
    loop.put("kills", r.kills());
    loop.put("acknowledged", r.acknowledged());
    loop.put("delivered", r.delivered());
    loop.put("pending_at_end", r.pendingAtEnd());
    loop.put("lost", r.lost());
    loop.put("duplicates", r.duplicates());
    loop.put("duplicate_ratio_percent", Stats.round(r.duplicateRatio() * 100));
    loop.put("duplicates_within_a_life", r.duplicatesWithinLife());
    double[] age = r.firstArrivalBeforeKillMs();
    loop.put(
        "duplicate_first_arrival_before_kill_ms",
        Map.of("p50", Stats.round(age[0]), "p99", Stats.round(age[1]), "max", Stats.round(age[2])));
    loop.put("ledger_balanced", r.acknowledged() == r.delivered() + r.pendingAtEnd() + r.lost());
    loop.put("body_bytes", bodyBytes);
    loop.put("wrong_bodies", r.wrongBodies());
    out.put("crash_loop", loop);
    if (crashOnly) {
      System.out.println(loop); // a partial run: chaos.json keeps the last full figures
      return;
    }

    long badRequests = quick ? 10_000 : 100_000;
    System.err.println("[chaos] bad input: " + badRequests + " malformed requests");
    Map<String, Object> bad = new LinkedHashMap<>();
    try (HttpSink sink = new HttpSink(true);
        ServerProcess server =
            new ServerProcess(
                jar,
                work.resolve("bad-data"),
                ServerProcess.freePort(),
                work.resolve("bad.log"),
                List.of(),
                sink.url("/probe"))) {
      double heapBefore = server.heapUsedAfterGcMb();
      BadInput.Result b = new BadInput(server.port, seed).run(badRequests);
      bad.put("requests", b.requests());
      bad.put("answered_4xx", b.status4xx());
      bad.put("answered_5xx", b.status5xx());
      bad.put("answered_other", b.other());
      bad.put("closed_without_answer", b.noAnswer());
      bad.put("examples_5xx", b.examples5xx());
      bad.put("heap_before_mb", Stats.round(heapBefore));
      bad.put("heap_after_mb", Stats.round(server.heapUsedAfterGcMb()));
      bad.put("server_up_after", server.answers());
    }
    out.put("bad_input", bad);

    int stalls = quick ? 300 : 3000;
    System.err.println("[chaos] stalled clients: " + stalls + " connections that never finish");
    Map<String, Object> stalled = StalledClients.run(jar, work, stalls);
    out.put("stalled_clients", stalled);

    System.err.println("[chaos] receiver outage");
    Map<String, Object> outage =
        Outages.receiverOutage(jar, work, quick ? 5 : 15, quick ? 500 : 1000);
    out.put("receiver_outage", outage);
    System.err.println("[chaos] slow receiver");
    Map<String, Object> slowReceiver =
        Outages.slowReceiver(jar, work, quick ? 2000 : 5000, quick ? 5 : 10);
    out.put("slow_receiver", slowReceiver);

    System.err.println("[chaos] storage full");
    Map<String, Object> storage = Outages.storageFull(jar, work);
    out.put("storage_full", storage);

    Path file = root.resolve("bench/results/chaos.json");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out)
            + "\n");
    print("crash loop", loop);
    print("bad input", bad);
    print("stalled clients", stalled);
    print("receiver outage", outage);
    print("slow receiver", slowReceiver);
    print("storage full", storage);
    boolean ok =
        r.lost() == 0
            && r.wrongBodies() == 0
            && b5xx(bad) == 0
            && Boolean.TRUE.equals(bad.get("server_up_after"))
            && ((Number) stalled.get("closed_by_server")).intValue() == stalls
            && Boolean.TRUE.equals(stalled.get("server_up_after"))
            && ((Number) outage.get("lost")).longValue() == 0
            && Boolean.TRUE.equals(storage.get("resumed_after_freeing"))
            && ((Number) storage.get("refused_507")).intValue() > 0;
    System.exit(ok ? 0 : 1);
  }

  private static long b5xx(Map<String, Object> bad) {
    return ((Number) bad.get("answered_5xx")).longValue();
  }

  private static void print(String title, Map<String, Object> rows) {
    System.out.println("\n| " + title + " | value |\n|---|---|");
    rows.forEach((k, v) -> System.out.println("| " + k + " | " + v + " |"));
  }
}
