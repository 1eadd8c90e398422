package dev.postbox.bench;

import static dev.postbox.bench.BenchContext.CONNECTIONS;
import static dev.postbox.bench.BenchContext.TOKEN;
import static dev.postbox.bench.BenchContext.jsonBody;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/run}: measures Postbox against baselines taken in the same run, on 127.0.0.1 only,
 * every load bounded in time or count. Writes {@code bench/results/latest.json} and prints a
 * markdown table.
 */
public final class BenchRun {
  private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

  private final boolean schedulesOnly;
  private final boolean queuesOnly;
  private final boolean workflowsOnly;
  private final boolean startupOnly;
  private final Path root;
  private final BenchContext ctx;
  private final Map<String, Object> r = new LinkedHashMap<>();

  private BenchRun(boolean quick, List<String> args, Path root) throws IOException {
    this.schedulesOnly = args.contains("--schedules-only");
    this.queuesOnly = args.contains("--queues-only");
    this.workflowsOnly = args.contains("--workflows-only");
    this.startupOnly = args.contains("--startup-only");
    this.root = root;
    Path work = Files.createTempDirectory("postbox-bench");
    this.ctx = new BenchContext(quick, work, new Wrk(work), r);
  }

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    Path root = Path.of(System.getProperty("postbox.root", ".")).toAbsolutePath().normalize();
    new BenchRun(quick, List.of(args), root).run();
  }

  private void run() throws Exception {
    boolean quick = ctx.quick;
    int seconds = quick ? 5 : 15;
    long pending = quick ? 100_000 : 1_000_000;
    Path jar = root.resolve("broker-app/target/postbox.jar");
    byte[] small = jsonBody(256);
    byte[] big = jsonBody(64 * 1024);
    Map<String, String> publish =
        Map.of("Content-Type", "application/json", "Authorization", "Bearer " + TOKEN);
    Map<String, String> delayed = new LinkedHashMap<>(publish);
    delayed.put("Upstash-Delay", "1h");
    r.put("mode", quick ? "quick" : "full");
    r.put("machine", Machine.describe());
    if (startupOnly) {
      runStartup(jar);
      System.out.println(new BenchGoals(r).markdown());
      return; // a partial run: latest.json keeps the last full figures
    }
    if (workflowsOnly) {
      runWorkflows(jar);
      System.out.println(new BenchGoals(r).markdown());
      return; // a partial run: latest.json keeps the last full figures
    }
    if (schedulesOnly || queuesOnly) {
      try (HttpSink receiver = new HttpSink(true)) {
        if (schedulesOnly) {
          runSchedules(jar, receiver);
        }
        if (queuesOnly) {
          runQueues(jar, receiver, seconds);
        }
      }
      System.out.println(new BenchGoals(r).markdown());
      return; // a partial run: latest.json keeps the last full figures
    }

    baselines(small, seconds);
    try (HttpSink receiver = new HttpSink(true)) {
      ctx.log("baseline: the benchmark's receiver");
      r.put(
          "baseline_receiver_rps",
          Stats.round(
              ctx.wrk.post(receiver.url("/direct"), small, JSON, CONNECTIONS, seconds).rps()));
      new PublishDeliverPhase(ctx).run(jar, receiver, small, big, publish, delayed, seconds);
      new BacklogPhase(ctx).run(jar, receiver, small, pending);
      runSchedules(jar, receiver);
      runQueues(jar, receiver, seconds);
    }
    runWorkflows(jar);
    runStartup(jar);
    finish();
  }

  /** The minimal Netty server (throughput, then the 5,000/s generator against it) and fsync. */
  private void baselines(byte[] small, int seconds) throws Exception {
    ctx.log("baseline: minimal Netty server");
    try (HttpSink baseline = new HttpSink(false)) {
      r.put(
          "baseline_http_rps",
          Stats.round(ctx.wrk.post(baseline.url("/"), small, JSON, CONNECTIONS, seconds).rps()));
      ctx.log("baseline: the fixed-rate generator at 5,000/s against the minimal server");
      String base = "http://127.0.0.1:" + baseline.port();
      List<Double> rt = ctx.at5000(base, "warm", "fixed", small, 0, seconds);
      r.put("baseline_p50_ms_at_5000", Stats.round(Stats.percentile(rt, 50)));
      r.put("baseline_p99_ms_at_5000", Stats.round(Stats.percentile(rt, 99)));
    }
    ctx.log("baseline: fsync (fdatasync) of a 256-byte append on the data directory's disk");
    r.put("baseline_fsync_p99_ms", Stats.round(FsyncProbe.p99Millis(ctx.work, 2000)));
    ctx.log("baseline: the same with every core kept busy");
    r.put(
        "baseline_fsync_busy_p99_ms",
        Stats.round(FsyncProbe.p99MillisWithCoresBusy(ctx.work, 2000)));
  }

  private void runQueues(Path jar, HttpSink receiver, int seconds) throws Exception {
    int count = ctx.quick ? 5_000 : 20_000;
    ctx.log(
        "queues: " + count + " messages FIFO (parallelism 1, then 10), enqueue rate, flow rate");
    QueueBench.run(jar, ctx.work, receiver, ctx.wrk, count, seconds, r);
  }

  private void runWorkflows(Path jar) throws Exception {
    ctx.log("workflows: concurrent 5-step runs against plain message chains, then one long run");
    new WorkflowBench(ctx).run(jar);
  }

  private void runStartup(Path jar) throws Exception {
    ctx.log("startup: an empty JVM, java -jar to /ready, the in-process start (5 of each)");
    new StartupBench(ctx).run(jar);
  }

  private void runSchedules(Path jar, HttpSink receiver) throws Exception {
    int schedules = ctx.quick ? 2_000 : 10_000;
    ctx.log(
        "schedules: "
            + schedules
            + " firing every 10 s, spread over the seconds, then all at once");
    ScheduleBench.run(jar, ctx.work, receiver, schedules, ctx.quick ? 2 : 3, r);
  }

  private void finish() throws IOException {
    BenchGoals goals = new BenchGoals(r);
    r.put("goals", goals.judge());
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path out = root.resolve("bench/results/latest.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, mapper.writeValueAsString(r) + "\n");
    System.out.println(goals.markdown());
    ctx.log("wrote " + out);
  }
}
