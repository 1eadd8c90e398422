package dev.postbox.app;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How deliveries go out: concurrency, per-attempt timeout, retries and the HTTP client. */
final class DeliverySettings {
  @Option(
      names = "--max-in-flight",
      defaultValue = "1000",
      description = "concurrent deliveries, all destinations")
  int maxInFlight;

  @Option(
      names = "--max-in-flight-per-host",
      defaultValue = "200",
      description = "concurrent deliveries to one destination host")
  int maxInFlightPerHost;

  @Option(
      names = "--delivery-timeout",
      defaultValue = "2h",
      description = "default and maximum per-attempt timeout (Upstash-Timeout can only shorten it)")
  Duration deliveryTimeout;

  @Option(
      names = "--max-retries",
      defaultValue = "20",
      description = "largest accepted Upstash-Retries")
  int maxRetries;

  @Option(
      names = "--deliverer",
      defaultValue = "netty",
      description =
          "outbound HTTP client: netty (pooled keep-alive, default) or jdk (java.net.http)")
  String deliverer;

  @Option(
      names = "--send-threads",
      defaultValue = "1",
      description =
          "threads that sign and send deliveries beside the dispatcher (0: the dispatcher itself)")
  int sendThreads;

  @Option(
      names = "--delivery-lag-limit",
      defaultValue = "20ms",
      description =
          "when the delivery client falls further behind, hosts get at most 16 deliveries in"
              + " flight for a second (fewer repeats after a crash; 0: never)")
  Duration deliveryLagLimit;
}
