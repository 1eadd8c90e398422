package dev.postbox.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What the phases of {@code bench/run} share: the mode, the temporary work directory, the wrk
 * driver and the figures written to {@code bench/results/latest.json}, in the order they are
 * measured.
 */
final class BenchContext {
  static final String TOKEN = ServerProcess.TOKEN;
  static final int CONNECTIONS = 64;

  final boolean quick;
  final Path work;
  final Wrk wrk;
  final Map<String, Object> figures;

  BenchContext(boolean quick, Path work, Wrk wrk, Map<String, Object> figures) {
    this.quick = quick;
    this.work = work;
    this.wrk = wrk;
    this.figures = figures;
  }

  void log(String s) {
    System.err.println("[bench " + Instant.now() + "] " + s);
  }

  /**
   * Round trips (ms) of the fixed-rate generator at 5,000/s for {@code seconds}, after a discarded
   * warm-up (the generator's own JIT); 64 requests in flight at most.
   */
  List<Double> at5000(
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

  static void waitUntil(int seconds, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** A JSON body of exactly {@code size} bytes. */
  static byte[] jsonBody(int size) {
    String prefix = "{\"data\":\"";
    String suffix = "\"}";
    return (prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix)
        .getBytes(StandardCharsets.UTF_8);
  }
}
