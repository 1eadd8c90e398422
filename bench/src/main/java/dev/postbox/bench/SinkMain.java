package dev.postbox.bench;

/**
 * Runs the benchmark's receiver alone, for profiling by hand: {@code java -cp
 * bench/target/postbox-bench.jar dev.postbox.bench.SinkMain} prints its URL and counts deliveries
 * once a second until killed.
 */
public final class SinkMain {
  private SinkMain() {}

  public static void main(String[] args) throws Exception {
    try (HttpSink sink = new HttpSink(true)) {
      System.out.println(sink.url("/hook"));
      long last = 0;
      while (true) {
        Thread.sleep(1000);
        long now = sink.count.get();
        System.out.println("received " + now + " (+" + (now - last) + "/s)");
        last = now;
      }
    }
  }
}
