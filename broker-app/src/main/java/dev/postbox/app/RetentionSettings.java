package dev.postbox.app;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How long the broker keeps what it no longer needs to deliver. */
final class RetentionSettings {
  @Option(names = "--log-retention", defaultValue = "7d", description = "how long logs are kept")
  Duration logRetention;

  @Option(
      names = "--dlq-retention",
      defaultValue = "7d",
      description = "how long DLQ entries are kept")
  Duration dlqRetention;

  @Option(
      names = "--keep-ended",
      defaultValue = "1m",
      description =
          "how long GET /v2/messages/{id} still answers a message that was delivered, failed or"
              + " cancelled (0: 404 at once)")
  Duration keepEnded;

  @Option(
      names = "--dedup-window",
      defaultValue = "10m",
      description = "how long a deduplication id (or content hash) suppresses repeats")
  Duration dedupWindow;
}
