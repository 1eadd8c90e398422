package dev.postbox.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A/B helper: publish latency of one build at a fixed rate (after a discarded warm-up), printed as
 * one line. {@code java -cp postbox-bench.jar dev.postbox.bench.LatencyProbe <jar> [rate] [seconds]
 * [warm-up seconds, 5]}; {@code -Dpostbox.jvmArgs="..."} passes JVM options to the server. Loads
 * only 127.0.0.1.
 */
public final class LatencyProbe {
  private LatencyProbe() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int warmSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    Path work = Files.createTempDirectory("postbox-latency");
    byte[] body = new byte[256];
    try (HttpSink receiver = new HttpSink(true);
        ServerProcess s = ServerProcess.inDir(jar, work, CrashLoop.jvmArgs(), receiver)) {
      // One client for both, so the measured run starts on warm connections.
      Publisher p = Publisher.latencyOnly(s.base(), ServerProcess.TOKEN);
      p.atRate(receiver.url("/warm"), body, rate, warmSeconds, i -> 3_600_000, 64);
      p.atRate(receiver.url("/fixed"), body, rate, seconds, i -> 3_600_000, 64);
      p.close();
      List<Double> rt = p.roundTripMillis();
      System.out.printf(
          "rate %d/s: n=%d p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.1f ms%n",
          rate,
          rt.size(),
          Stats.percentile(rt, 50),
          Stats.percentile(rt, 90),
          Stats.percentile(rt, 99),
          Stats.percentile(rt, 100));
    }
  }
}
