package dev.postbox.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code bench/run}: measures Postbox against baselines taken in the same run, on 127.0.0.1 only,
 * every load bounded in time or count. Writes {@code bench/results/latest.json} and prints a
 * markdown table.
 */
public final class BenchRun {
  private static final String TOKEN = ServerProcess.TOKEN;
  private static final int CONNECTIONS = 64;

  private final boolean quick;
  private final boolean schedulesOnly;
  private final boolean queuesOnly;
  private final Path root;
  private final Path work;
  private final Wrk wrk;
  private final Map<String, Object> r = new LinkedHashMap<>();

  private BenchRun(boolean quick, List<String> args, Path root) throws IOException {
    this.quick = quick;
    this.schedulesOnly = args.contains("--schedules-only");
    this.queuesOnly = args.contains("--queues-only");
    this.root = root;
    this.work = Files.createTempDirectory("postbox-bench");
    this.wrk = new Wrk(work);
  }

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    Path root = Path.of(System.getProperty("postbox.root", ".")).toAbsolutePath().normalize();
    new BenchRun(quick, List.of(args), root).run();
  }

  private void log(String s) {
    System.err.println("[bench " + Instant.now() + "] " + s);
  }

  private void run() throws Exception {
    int seconds = quick ? 5 : 15;
    long pending = quick ? 100_000 : 1_000_000;
    Path jar = root.resolve("broker-app/target/postbox.jar");
    byte[] small = jsonBody(256);
    byte[] big = jsonBody(64 * 1024);
    Map<String, String> json = Map.of("Content-Type", "application/json");
    Map<String, String> publish =
        Map.of("Content-Type", "application/json", "Authorization", "Bearer " + TOKEN);
    Map<String, String> delayed = new LinkedHashMap<>(publish);
    delayed.put("Upstash-Delay", "1h");
    r.put("mode", quick ? "quick" : "full");
    r.put("machine", machine());
    if (schedulesOnly || queuesOnly) {
      try (HttpSink receiver = new HttpSink(true)) {
        if (schedulesOnly) {
          runSchedules(jar, receiver);
        }
        if (queuesOnly) {
          runQueues(jar, receiver, seconds);
        }
      }
      System.out.println(markdown());
      return; // a partial run: latest.json keeps the last full figures
    }

    log("baseline: minimal Netty server");
    try (HttpSink baseline = new HttpSink(false)) {
      r.put(
          "baseline_http_rps",
          Stats.round(wrk.post(baseline.url("/"), small, json, CONNECTIONS, seconds).rps()));
      log("baseline: the fixed-rate generator at 5,000/s against the minimal server");
      String base = "http://127.0.0.1:" + baseline.port();
      List<Double> rt = at5000(base, "warm", "fixed", small, 0, seconds);
      r.put("baseline_p50_ms_at_5000", Stats.round(Stats.percentile(rt, 50)));
      r.put("baseline_p99_ms_at_5000", Stats.round(Stats.percentile(rt, 99)));
    }
    log("baseline: fsync (fdatasync) of a 256-byte append on the data directory's disk");
    r.put("baseline_fsync_p99_ms", Stats.round(FsyncProbe.p99Millis(work, 2000)));
    log("baseline: the same with every core kept busy");
    r.put("baseline_fsync_busy_p99_ms", Stats.round(FsyncProbe.p99MillisWithCoresBusy(work, 2000)));
    try (HttpSink receiver = new HttpSink(true)) {
      log("baseline: the benchmark's receiver");
      r.put(
          "baseline_receiver_rps",
          Stats.round(wrk.post(receiver.url("/direct"), small, json, CONNECTIONS, seconds).rps()));
      serverA(jar, receiver, small, big, publish, delayed, seconds);
      serverB(jar, receiver, small, pending);
      runSchedules(jar, receiver);
      runQueues(jar, receiver, seconds);
    }
    finish();
  }

  /**
   * Round trips (ms) of the fixed-rate generator at 5,000/s for {@code seconds}, after a discarded
   * warm-up (the generator's own JIT); 64 requests in flight at most.
   */
  private List<Double> at5000(
      String base, String warmTo, String to, byte[] body, long delayMillis, int seconds)
      throws InterruptedException {
    // One client for both, so the measured run starts on warm connections.
    Publisher p = Publisher.latencyOnly(base, TOKEN);
    try {
      p.atRate(warmTo, body, 5000, quick ? 3 : 5, i -> delayMillis, CONNECTIONS);
      p.atRate(to, body, 5000, seconds, i -> delayMillis, CONNECTIONS);
      return p.roundTripMillis();
    } finally {
      p.close();
    }
  }

  private void runQueues(Path jar, HttpSink receiver, int seconds) throws Exception {
    int count = quick ? 5_000 : 20_000;
    log("queues: " + count + " messages FIFO (parallelism 1, then 10), enqueue rate, flow rate");
    QueueBench.run(jar, work, receiver, wrk, count, seconds, r);
  }

  private void runSchedules(Path jar, HttpSink receiver) throws Exception {
    int schedules = quick ? 2_000 : 10_000;
    log(
        "schedules: "
            + schedules
            + " firing every 10 s, spread over the seconds, then all at once");
    ScheduleBench.run(jar, work, receiver, schedules, quick ? 2 : 3, r);
  }

  /** Publish, delivery and delay-accuracy figures. */
  private void serverA(
      Path jar,
      HttpSink receiver,
      byte[] small,
      byte[] big,
      Map<String, String> publish,
      Map<String, String> delayed,
      int seconds)
      throws Exception {
    try (ServerProcess s =
        new ServerProcess(
            jar,
            work.resolve("a"),
            ServerProcess.freePort(),
            work.resolve("a.log"),
            List.of(),
            receiver.url("/probe"))) {
      String to = s.base() + "/v2/publish/";
      log("warm-up (JIT) before measuring");
      wrk.post(to + receiver.url("/warmup"), small, delayed, CONNECTIONS, quick ? 3 : 10);
      long warmBefore = receiver.count.get();
      Wrk.Result warm =
          wrk.post(to + receiver.url("/warmup"), small, publish, CONNECTIONS, quick ? 2 : 5);
      // The warm-up's deliveries lag its publishes: measured publishes must not share the cores
      // with draining that backlog (it cost the publish figure 20-30 %).
      long warmDrainStart = System.nanoTime();
      waitUntil(120, () -> receiver.count.get() >= warmBefore + warm.requests() - warm.errors());
      r.put("warmup_drain_s", Stats.round((System.nanoTime() - warmDrainStart) / 1e9));
      log("publish: 256-byte bodies, delayed 1h (pure durable publish)");
      Wrk.Result p = wrk.post(to + receiver.url("/delayed"), small, delayed, CONNECTIONS, seconds);
      r.put("publish_rps", Stats.round(p.rps()));
      r.put("publish_p50_ms", Stats.round(p.p50Ms()));
      r.put("publish_p99_ms", Stats.round(p.p99Ms()));
      r.put("publish_errors", p.errors());
      log("publish latency at 5,000/s offered (after a discarded warm-up of the generator)");
      List<Double> rt =
          at5000(
              s.base(),
              receiver.url("/delayed-warm"),
              receiver.url("/delayed-fixed"),
              small,
              3_600_000,
              seconds);
      r.put("publish_p99_ms_at_5000", Stats.round(Stats.percentile(rt, 99)));
      r.put("publish_p50_ms_at_5000", Stats.round(Stats.percentile(rt, 50)));

      log("publish: 64 KiB bodies");
      Wrk.Result p64 =
          wrk.post(to + receiver.url("/delayed64k"), big, delayed, CONNECTIONS, seconds);
      r.put("publish_64k_rps", Stats.round(p64.rps()));

      log("deliver: publishing flat out, deliveries counted at the receiver");
      long before = receiver.count.get();
      long t0 = System.nanoTime();
      Wrk.Result d = wrk.post(to + receiver.url("/now"), small, publish, CONNECTIONS, seconds);
      double elapsed = (System.nanoTime() - t0) / 1e9;
      long delivered = receiver.count.get() - before;
      r.put("deliver_rps", Stats.round(delivered / elapsed));
      r.put("deliver_phase_publish_rps", Stats.round(d.rps()));
      long target = before + d.requests();
      long drainStart = System.nanoTime();
      waitUntil(120, () -> receiver.count.get() >= target);
      r.put("deliver_backlog_drain_s", Stats.round((System.nanoTime() - drainStart) / 1e9));

      int backlog = quick ? 20_000 : 100_000;
      log("deliver ceiling: " + backlog + " messages due at the same second, then drained");
      Publisher fill = new Publisher(s.base(), TOKEN);
      long dueSecond = System.currentTimeMillis() / 1000 + (quick ? 6 : 20);
      fill.notBeforeSeconds = dueSecond;
      fill.bulk(receiver.url("/ceiling"), small, backlog, 128, 0);
      fill.close();
      boolean filledInTime = System.currentTimeMillis() < dueSecond * 1000;
      long ceilingBefore = receiver.count.get();
      waitUntil(
          (int) (dueSecond - System.currentTimeMillis() / 1000) + 5,
          () -> System.currentTimeMillis() >= dueSecond * 1000);
      long c0 = System.nanoTime();
      long accepted = backlog - fill.failures.get();
      waitUntil(120, () -> receiver.count.get() - ceilingBefore >= accepted);
      double drain = (System.nanoTime() - c0) / 1e9;
      r.put("deliver_ceiling_messages", accepted);
      r.put("deliver_ceiling_rps", Stats.round((receiver.count.get() - ceilingBefore) / drain));
      r.put("deliver_ceiling_filled_before_due", filledInTime);

      log("deliver latency at 2,000/s");
      receiver.arrivals.clear();
      receiver.trackArrivals = true;
      Publisher lat = new Publisher(s.base(), TOKEN);
      lat.atRate(receiver.url("/latency"), small, 2000, seconds, i -> 0);
      waitUntil(60, () -> receiver.arrivals.keySet().containsAll(lat.acked.keySet()));
      lat.close();
      List<Double> latencies = new ArrayList<>();
      lat.acked.forEach(
          (id, ack) -> {
            Long at = receiver.arrivals.get(id);
            if (at != null) {
              latencies.add(Math.max(0, at - ack) / 1e6);
            }
          });
      r.put("deliver_p50_ms", Stats.round(Stats.percentile(latencies, 50)));
      r.put("deliver_p99_ms", Stats.round(Stats.percentile(latencies, 99)));

      int window = quick ? 5 : 20;
      int count = quick ? 2_000 : 10_000;
      log("delay accuracy: " + count + " messages due over " + window + " s");
      receiver.arrivals.clear();
      Publisher delays = new Publisher(s.base(), TOKEN);
      delays.atRate(
          receiver.url("/delay"),
          small,
          Math.max(1, count / window),
          window,
          i -> 1000 + ThreadLocalRandom.current().nextLong(window * 1000L));
      waitUntil(
          window + 60, () -> receiver.arrivals.keySet().containsAll(delays.expected.keySet()));
      List<Double> errors = new ArrayList<>();
      delays.expected.forEach(
          (id, due) -> {
            Long at = receiver.arrivals.get(id);
            if (at != null) {
              errors.add(Math.abs(at - due) / 1e6);
            }
          });
      receiver.trackArrivals = false;
      r.put("delay_error_p50_ms", Stats.round(Stats.percentile(errors, 50)));
      r.put("delay_error_p99_ms", Stats.round(Stats.percentile(errors, 99)));
      r.put("delay_messages", errors.size());
    }
  }

  /** Memory with a large backlog of delayed messages, and the time to reopen it. */
  private void serverB(Path jar, HttpSink receiver, byte[] small, long pending) throws Exception {
    Path data = work.resolve("b");
    try (ServerProcess s =
        new ServerProcess(
            jar,
            data,
            ServerProcess.freePort(),
            work.resolve("b.log"),
            List.of(),
            receiver.url("/probe"))) {
      log("pending: publishing " + pending + " messages delayed 1h");
      Publisher bulk = new Publisher(s.base(), TOKEN);
      long t0 = System.nanoTime();
      bulk.bulk(receiver.url("/pending"), small, pending, 128, 3_600_000);
      bulk.close();
      r.put("pending_fill_rps", Stats.round(pending / ((System.nanoTime() - t0) / 1e9)));
      r.put("pending_count", pending - bulk.failures.get());
      r.put("pending_heap_mb", Stats.round(s.heapUsedAfterGcMb()));
      r.put("pending_rss_mb", Stats.round(s.rssMb()));
    }
    log("startup: reopening the data dir with the backlog, 3 times; and an empty one, 3 times");
    List<Long> full = startups(jar, receiver, i -> data);
    List<Long> empty = startups(jar, receiver, i -> work.resolve("empty-" + i));
    r.put("startup_ms", full.get(1)); // the median
    r.put("startup_samples_ms", full);
    r.put("startup_empty_ms", empty.get(1));
  }

  /** Three starts (process start to the first accepted publish), sorted. */
  private List<Long> startups(
      Path jar, HttpSink receiver, java.util.function.IntFunction<Path> dataDir) throws Exception {
    List<Long> ms = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try (ServerProcess again =
          new ServerProcess(
              jar,
              dataDir.apply(i),
              ServerProcess.freePort(),
              work.resolve("startup-" + i + ".log"),
              List.of(),
              receiver.url("/probe"))) {
        ms.add(again.startupMillis);
      }
    }
    java.util.Collections.sort(ms);
    return ms;
  }

  private void finish() throws IOException {
    r.put("goals", goals());
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path out = root.resolve("bench/results/latest.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, mapper.writeValueAsString(r) + "\n");
    System.out.println(markdown());
    log("wrote " + out);
  }

  private Map<String, Object> goals() {
    Map<String, Object> g = new LinkedHashMap<>();
    double http = num("baseline_http_rps");
    double recv = num("baseline_receiver_rps");
    g.put("publish_rps >= 0.5 x baseline_http_rps", num("publish_rps") >= 0.5 * http);
    g.put("publish_rps >= 20000", num("publish_rps") >= 20_000);
    g.put("deliver_rps >= 0.33 x baseline_receiver_rps", num("deliver_rps") >= 0.33 * recv);
    g.put("deliver_rps >= 10000", num("deliver_rps") >= 10_000);
    g.put(
        "deliver_ceiling_rps >= 0.33 x baseline_receiver_rps (a backlog drained)",
        num("deliver_ceiling_rps") >= 0.33 * recv);
    g.put("publish_p99_ms <= 5 at 5000/s", num("publish_p99_ms_at_5000") <= 5);
    g.put("deliver_p50_ms <= 2", num("deliver_p50_ms") <= 2);
    g.put("delay_error_p99_ms <= 20", num("delay_error_p99_ms") <= 20);
    g.put("pending_heap_mb <= 256", num("pending_heap_mb") <= 256);
    g.put("startup_ms <= 2000", num("startup_ms") <= 2000);
    g.put(
        "schedule ticks: every one fired once and received",
        num("schedule_ticks_fired") == num("schedule_ticks_expected")
            && num("schedule_ticks_received") >= num("schedule_ticks_expected")
            && num("schedule_burst_ticks_fired") == num("schedule_burst_ticks_expected"));
    g.put("schedule_fire_error_p99_ms <= 1000", num("schedule_fire_error_p99_ms") <= 1000);
    g.put(
        "schedule_burst_fire_error_p99_ms <= 1000",
        num("schedule_burst_fire_error_p99_ms") <= 1000);
    g.put(
        "queues: every message delivered, in order",
        num("queue_fifo_delivered") == num("queue_fifo_messages")
            && num("queue_fifo_out_of_order") == 0
            && num("queue_par10_delivered") == num("queue_par10_messages")
            && num("queue_par10_out_of_order") == 0);
    g.put(
        "flow control: never more arrivals in 900 ms than the rate per second",
        num("flow_rate_delivered") == num("flow_rate_messages")
            && num("flow_rate_peak_in_any_900ms") <= num("flow_rate_limit_per_s"));
    return g;
  }

  private String markdown() {
    StringBuilder sb = new StringBuilder("\n| figure | value |\n|---|---|\n");
    r.forEach(
        (k, v) -> {
          if (!(v instanceof Map)) {
            sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
          }
        });
    sb.append("\n| goal | met |\n|---|---|\n");
    goals().forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    sb.append("\nratios: publish/baseline_http = ")
        .append(Stats.round(num("publish_rps") / num("baseline_http_rps")))
        .append(", deliver/baseline_receiver = ")
        .append(Stats.round(num("deliver_rps") / num("baseline_receiver_rps")))
        .append(", publish_p99_at_5000 - baseline_p99_at_5000 (the generator on this machine) = ")
        .append(Stats.round(num("publish_p99_ms_at_5000") - num("baseline_p99_ms_at_5000")))
        .append(" ms\n");
    return sb.toString();
  }

  private double num(String key) {
    Object v = r.get(key);
    return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
  }

  private static void waitUntil(int seconds, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static byte[] jsonBody(int size) {
    String prefix = "{\"data\":\"";
    String suffix = "\"}";
    return (prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, Object> machine() throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("java", System.getProperty("java.version"));
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          m.put("cpu", line.substring(line.indexOf(':') + 1).trim());
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          m.put(
              "memory_gb",
              Math.round(Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0 / 1024.0));
          break;
        }
      }
    } catch (IOException e) {
      m.put("note", "no /proc");
    }
    m.put("when", Instant.now().toString());
    return m;
  }
}
