package dev.postbox.bench;

import static dev.postbox.bench.BenchContext.CONNECTIONS;
import static dev.postbox.bench.BenchContext.TOKEN;
import static dev.postbox.bench.BenchContext.waitUntil;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Server A of {@code bench/run}: publish throughput and latency, delivery throughput, the delivery
 * ceiling on a backlog due at once, delivery latency and delay accuracy, all on one server.
 */
final class PublishDeliverPhase {
  private final BenchContext ctx;
  private final Wrk wrk;
  private final Map<String, Object> r;
  private final boolean quick;

  PublishDeliverPhase(BenchContext ctx) {
    this.ctx = ctx;
    this.wrk = ctx.wrk;
    this.r = ctx.figures;
    this.quick = ctx.quick;
  }

  void run(
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
            ctx.work.resolve("a"),
            ServerProcess.freePort(),
            ctx.work.resolve("a.log"),
            List.of(),
            receiver.url("/probe"))) {
      String to = s.base() + "/v2/publish/";
      ctx.log("warm-up (JIT) before measuring");
      wrk.post(to + receiver.url("/warmup"), small, delayed, CONNECTIONS, quick ? 3 : 10);
      long warmBefore = receiver.count.get();
      Wrk.Result warm =
          wrk.post(to + receiver.url("/warmup"), small, publish, CONNECTIONS, quick ? 2 : 5);
      // The warm-up's deliveries lag its publishes: measured publishes must not share the cores
      // with draining that backlog (it cost the publish figure 20-30 %).
      long warmDrainStart = System.nanoTime();
      waitUntil(120, () -> receiver.count.get() >= warmBefore + warm.requests() - warm.errors());
      r.put("warmup_drain_s", Stats.round((System.nanoTime() - warmDrainStart) / 1e9));
      publish(s, to, receiver, small, big, delayed, seconds);
      deliver(s, to, receiver, small, publish, seconds);
      ceiling(s, receiver, small);
      deliverLatency(s, receiver, small, seconds);
      delayAccuracy(s, receiver, small);
    }
  }

  private void publish(
      ServerProcess s,
      String to,
      HttpSink receiver,
      byte[] small,
      byte[] big,
      Map<String, String> delayed,
      int seconds)
      throws Exception {
    ctx.log("publish: 256-byte bodies, delayed 1h (pure durable publish)");
    Wrk.Result p = wrk.post(to + receiver.url("/delayed"), small, delayed, CONNECTIONS, seconds);
    r.put("publish_rps", Stats.round(p.rps()));
    r.put("publish_p50_ms", Stats.round(p.p50Ms()));
    r.put("publish_p99_ms", Stats.round(p.p99Ms()));
    r.put("publish_errors", p.errors());
    ctx.log("publish latency at 5,000/s offered (after a discarded warm-up of the generator)");
    List<Double> rt =
        ctx.at5000(
            s.base(),
            receiver.url("/delayed-warm"),
            receiver.url("/delayed-fixed"),
            small,
            3_600_000,
            seconds);
    r.put("publish_p99_ms_at_5000", Stats.round(Stats.percentile(rt, 99)));
    r.put("publish_p50_ms_at_5000", Stats.round(Stats.percentile(rt, 50)));

    ctx.log("publish: 64 KiB bodies");
    Wrk.Result p64 = wrk.post(to + receiver.url("/delayed64k"), big, delayed, CONNECTIONS, seconds);
    r.put("publish_64k_rps", Stats.round(p64.rps()));
  }

  private void deliver(
      ServerProcess s,
      String to,
      HttpSink receiver,
      byte[] small,
      Map<String, String> publish,
      int seconds)
      throws Exception {
    ctx.log("deliver: publishing flat out, deliveries counted at the receiver");
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
  }

  private void ceiling(ServerProcess s, HttpSink receiver, byte[] small) throws Exception {
    int backlog = quick ? 20_000 : 100_000;
    ctx.log("deliver ceiling: " + backlog + " messages due at the same second, then drained");
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
  }

  private void deliverLatency(ServerProcess s, HttpSink receiver, byte[] small, int seconds)
      throws Exception {
    ctx.log("deliver latency at 2,000/s");
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
  }

  /** Runs with arrivals still tracked (left on by {@link #deliverLatency}); turns them off. */
  private void delayAccuracy(ServerProcess s, HttpSink receiver, byte[] small) throws Exception {
    int window = quick ? 5 : 20;
    int count = quick ? 2_000 : 10_000;
    ctx.log("delay accuracy: " + count + " messages due over " + window + " s");
    receiver.arrivals.clear();
    Publisher delays = new Publisher(s.base(), TOKEN);
    delays.atRate(
        receiver.url("/delay"),
        small,
        Math.max(1, count / window),
        window,
        i -> 1000 + ThreadLocalRandom.current().nextLong(window * 1000L));
    waitUntil(window + 60, () -> receiver.arrivals.keySet().containsAll(delays.expected.keySet()));
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
