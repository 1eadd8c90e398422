package dev.postbox.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Profiling helper: the delivery ceiling of one build. Fills a backlog due at the same second, then
 * times its drain at the receiver. {@code java -cp postbox-bench.jar dev.postbox.bench.CeilingProbe
 * <jar> [count] [jvm args of the server...]} (bodies of 256 bytes, or {@code
 * -Dpostbox.bodyBytes=N}), e.g. with {@code -XX:StartFlightRecording=filename=d.jfr} to see where
 * the time goes. 127.0.0.1 only.
 */
public final class CeilingProbe {
  private CeilingProbe() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    List<String> jvmArgs = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
    Path work = Files.createTempDirectory("postbox-ceiling");
    byte[] body = new byte[Integer.getInteger("postbox.bodyBytes", 256)]; // -Dpostbox.bodyBytes=
    try (HttpSink receiver = new HttpSink(true);
        ServerProcess s = ServerProcess.inDir(jar, work, jvmArgs, receiver)) {
      for (int round = 0; round < 2; round++) { // the first round warms the JIT up
        Publisher fill = new Publisher(s.base(), ServerProcess.TOKEN);
        long due = System.currentTimeMillis() / 1000 + 4 + count / 3_000;
        fill.notBeforeSeconds = due;
        fill.bulk(receiver.url("/ceiling"), body, count, 128, 0);
        fill.close();
        long accepted = count - fill.failures.get();
        if (accepted < count) {
          System.out.printf("  %d publishes failed%n", count - accepted);
        }
        if (System.currentTimeMillis() >= due * 1000) {
          System.out.println("  the fill took longer than planned: some were due at once");
        }
        long before = receiver.count.get();
        while (System.currentTimeMillis() < due * 1000) {
          Thread.sleep(1);
        }
        long t0 = System.nanoTime();
        long deadline = System.currentTimeMillis() + 120_000;
        long lastReport = System.currentTimeMillis();
        while (receiver.count.get() - before < accepted && System.currentTimeMillis() < deadline) {
          Thread.sleep(1);
          if (System.currentTimeMillis() - lastReport > 5_000) {
            lastReport = System.currentTimeMillis();
            System.out.printf("  ... %d delivered so far%n", receiver.count.get() - before);
          }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            "round %d: %d delivered in %.2f s = %.0f/s%n",
            round, receiver.count.get() - before, secs, (receiver.count.get() - before) / secs);
      }
    }
  }
}
