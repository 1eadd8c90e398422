package dev.postbox.bench;

import static dev.postbox.bench.BenchContext.CONNECTIONS;
import static dev.postbox.bench.BenchContext.TOKEN;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Workflow runs (docs/benchmarks.md#workflows): many concurrent runs of {@code context.run} steps
 * against chains of plain messages of the same shape (each delivery publishes the next one), in
 * alternating rounds on one server, and one long run whose bytes written per step and heap are
 * sampled as its history grows.
 */
final class WorkflowBench {
  private static final int STEPS = 5;
  private static final int STARTERS = 64;

  private final BenchContext ctx;
  private final Map<String, Object> r;

  WorkflowBench(BenchContext ctx) {
    this.ctx = ctx;
    this.r = ctx.figures;
  }

  void run(Path jar) throws Exception {
    int runs = ctx.quick ? 200 : 1_000;
    int rounds = ctx.quick ? 1 : 3;
    int longSteps = 500;
    Path dir = Files.createTempDirectory(ctx.work, "workflows");
    try (HttpSink probe = new HttpSink(false);
        ServerProcess server = ServerProcess.inDir(jar, dir, List.of("-Xmx512m"), probe);
        StepSimulator sim = new StepSimulator(server.base(), TOKEN, STEPS)) {
      List<Double> plainRates = new ArrayList<>();
      List<Double> stepRates = new ArrayList<>();
      List<Double> plainLat = new ArrayList<>();
      List<Double> stepLat = new ArrayList<>();
      List<Double> plainPub = new ArrayList<>();
      List<Double> stepPub = new ArrayList<>();
      measure(sim, false, runs / 5, "warm"); // JIT of both paths before anything counts
      measure(sim, true, runs / 5, "warm");
      sim.drainLatenciesMillis();
      sim.drainPublishMillis();
      for (int round = 0; round < rounds; round++) {
        ctx.log("workflows: round " + (round + 1) + "/" + rounds + ", plain chains");
        plainRates.add(measure(sim, false, runs, "p" + round));
        plainLat.addAll(sim.drainLatenciesMillis());
        plainPub.addAll(sim.drainPublishMillis());
        ctx.log("workflows: round " + (round + 1) + "/" + rounds + ", workflow runs");
        stepRates.add(measure(sim, true, runs, "w" + round));
        stepLat.addAll(sim.drainLatenciesMillis());
        stepPub.addAll(sim.drainPublishMillis());
      }
      double plain = Stats.percentile(plainRates, 50);
      double steps = Stats.percentile(stepRates, 50);
      r.put("workflow_runs", runs);
      r.put("workflow_steps_per_run", STEPS);
      r.put("workflow_rounds", rounds);
      r.put("plain_chain_msgs_per_s", Stats.round(plain));
      r.put("workflow_step_deliveries_per_s", Stats.round(steps));
      r.put("workflow_step_ratio_to_plain", Stats.round(steps / plain));
      r.put("plain_hop_p50_ms", Stats.round(Stats.percentile(plainLat, 50)));
      r.put("plain_hop_p99_ms", Stats.round(Stats.percentile(plainLat, 99)));
      r.put("workflow_step_p50_ms", Stats.round(Stats.percentile(stepLat, 50)));
      r.put("workflow_step_p99_ms", Stats.round(Stats.percentile(stepLat, 99)));
      r.put("plain_hop_publish_p50_ms", Stats.round(Stats.percentile(plainPub, 50)));
      r.put("plain_hop_publish_p99_ms", Stats.round(Stats.percentile(plainPub, 99)));
      r.put("workflow_step_publish_p50_ms", Stats.round(Stats.percentile(stepPub, 50)));
      r.put("workflow_step_publish_p99_ms", Stats.round(Stats.percentile(stepPub, 99)));
      r.put("workflow_simulator_failures", sim.failures.get());
    }
    simulatorCeilings();
    longRun(jar, longSteps);
  }

  /**
   * Starts {@code n} runs (or chains), at most {@link #STARTERS} starts in flight, and waits until
   * every one has finished; deliveries per second over the whole of it.
   */
  private double measure(StepSimulator sim, boolean workflow, int n, String tag) throws Exception {
    int before = sim.finished.get();
    long deliveries = sim.deliveries.get();
    Semaphore inFlight = new Semaphore(STARTERS);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      String id = (workflow ? "wfr_bench_" : "chain_") + tag + "_" + i;
      inFlight.acquire();
      (workflow ? sim.trigger(id) : sim.startChain(id))
          .whenComplete(
              (v, e) -> {
                if (e != null) {
                  failed.compareAndSet(null, e);
                }
                inFlight.release();
              });
    }
    inFlight.acquire(STARTERS); // every start has been answered
    if (failed.get() != null) {
      throw new IOException("could not start the " + tag + " runs", failed.get());
    }
    BenchContext.waitUntil(300, () -> sim.finished.get() - before >= n);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (sim.finished.get() - before < n) {
      throw new IOException(
          tag + ": only " + (sim.finished.get() - before) + " of " + n + " finished in 300 s");
    }
    return (sim.deliveries.get() - deliveries) / seconds;
  }

  /**
   * The simulator's own ceilings, with Postbox stopped (wrk, {@link BenchContext#CONNECTIONS}
   * connections, a delivery of a run with 2 steps done, each after a discarded warm-up): its
   * receiver reading a delivery and answering at once, then a step's whole round (read it, publish
   * the next step, answer once that publish is answered) against a minimal server standing in for
   * the broker that answers every publish at once.
   */
  private void simulatorCeilings() throws Exception {
    int seconds = ctx.quick ? 3 : 10;
    byte[] delivery = history(3);
    Map<String, String> headers =
        Map.of(
            "Content-Type", "application/json",
            "Upstash-Workflow-RunId", "wfr_ceiling",
            "Upstash-Workflow-Sdk-Version", "1");
    try (HttpSink broker = new HttpSink(false);
        StepSimulator sim = new StepSimulator(broker.url(""), TOKEN, STEPS)) {
      ctx.log("workflows: the simulator's ceiling, its receiver answering without publishing");
      ctx.wrk.post(sim.url("/ack"), delivery, headers, CONNECTIONS, 2);
      Wrk.Result ack = ctx.wrk.post(sim.url("/ack"), delivery, headers, CONNECTIONS, seconds);
      ctx.log(
          "workflows: the simulator's ceiling, a whole step against a broker that costs nothing");
      ctx.wrk.post(sim.url("/wf"), delivery, headers, CONNECTIONS, 2);
      Wrk.Result step = ctx.wrk.post(sim.url("/wf"), delivery, headers, CONNECTIONS, seconds);
      r.put("workflow_simulator_ack_rps", Stats.round(ack.rps()));
      r.put("workflow_simulator_step_rps", Stats.round(step.rps()));
      r.put("workflow_simulator_ceiling_errors", ack.errors() + step.errors());
      // How far the simulator is from being the bottleneck of the concurrent rounds.
      Object plain = r.get("plain_chain_msgs_per_s");
      if (plain instanceof Number p) {
        r.put("workflow_simulator_step_rps_over_plain", Stats.round(step.rps() / p.doubleValue()));
      }
    }
  }

  /** A step delivery's body with {@code entries} history entries (the first is the payload). */
  private static byte[] history(int entries) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < entries; i++) {
      String body =
          i == 0
              ? "{\"input\":1}"
              : "{\"stepId\":"
                  + i
                  + ",\"stepName\":\"step"
                  + i
                  + "\",\"stepType\":\"Run\","
                  + "\"out\":\"\\\"result of step "
                  + i
                  + "\\\"\",\"concurrent\":1}";
      sb.append(i == 0 ? "" : ",")
          .append("{\"messageId\":\"msg_ceiling_")
          .append(i)
          .append("\",\"body\":\"")
          .append(Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)))
          .append("\",\"callType\":\"step\"}");
    }
    return sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * One run of {@code steps} steps on a fresh server: bytes the server process wrote to disk
   * ({@code /proc/<pid>/io} write_bytes) per step and the heap after a full GC, per window of 100
   * steps. Flat bytes per step mean a step appends to its history, never rewrites it.
   */
  private void longRun(Path jar, int steps) throws Exception {
    ctx.log("workflows: one run of " + steps + " steps, sampled every 100 steps");
    Path dir = Files.createTempDirectory(ctx.work, "workflow-long");
    List<Long> written = new ArrayList<>();
    List<Double> heap = new ArrayList<>();
    AtomicLong sampling = new AtomicLong(); // time spent sampling, not stepping
    try (HttpSink probe = new HttpSink(false);
        ServerProcess server = ServerProcess.inDir(jar, dir, List.of("-Xmx512m"), probe);
        StepSimulator sim = new StepSimulator(server.base(), TOKEN, steps)) {
      sim.onHistory =
          done -> {
            if (done % 100 == 0) {
              long s0 = System.nanoTime();
              try {
                written.add(writeBytes(server.pid()));
                heap.add(server.heapUsedAfterGcMb());
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
              sampling.addAndGet(System.nanoTime() - s0);
            }
          };
      long p0 = System.nanoTime();
      // The baseline: the same number of plain hops, one by one.
      sim.startChain("chain_long").join();
      BenchContext.waitUntil(600, () -> sim.finished.get() >= 1);
      double plainSeconds = (System.nanoTime() - p0) / 1e9;
      r.put("plain_sequential_hop_ms", Stats.round(plainSeconds * 1000 / steps));
      long t0 = System.nanoTime();
      sim.trigger("wfr_bench_long").join();
      BenchContext.waitUntil(600, () -> sim.finished.get() >= 2);
      if (sim.finished.get() < 2) {
        throw new IOException("the " + steps + "-step run did not finish in 600 s");
      }
      double seconds = (System.nanoTime() - t0 - sampling.get()) / 1e9;
      r.put("workflow_long_run_seconds", Stats.round(seconds));
      r.put("workflow_sequential_step_ms", Stats.round(seconds * 1000 / steps));
    }
    Map<String, Object> perWindow = new LinkedHashMap<>();
    List<Double> bytesPerStep = new ArrayList<>();
    for (int i = 1; i < written.size(); i++) {
      double b = (written.get(i) - written.get(i - 1)) / 100.0;
      bytesPerStep.add(b);
      perWindow.put(
          "steps " + ((i - 1) * 100 + 1) + "-" + (i * 100),
          Map.of("bytes_per_step", Stats.round(b), "heap_mb_after", Stats.round(heap.get(i))));
    }
    r.put("workflow_long_run_windows", perWindow);
    if (bytesPerStep.size() >= 2) {
      r.put(
          "workflow_long_bytes_per_step_last_over_first",
          Stats.round(bytesPerStep.get(bytesPerStep.size() - 1) / bytesPerStep.get(0)));
      r.put("workflow_long_heap_mb_first", Stats.round(heap.get(1)));
      r.put("workflow_long_heap_mb_last", Stats.round(heap.get(heap.size() - 1)));
    }
  }

  private static long writeBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
      if (line.startsWith("write_bytes:")) {
        return Long.parseLong(line.substring("write_bytes:".length()).trim());
      }
    }
    throw new IOException("no write_bytes in /proc/" + pid + "/io");
  }
}
