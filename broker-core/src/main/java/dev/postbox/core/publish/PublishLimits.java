package dev.postbox.core.publish;

import dev.postbox.core.destination.DestinationPolicy;

/**
 * Bounds on publish options.
 *
 * @param maxRetries largest accepted {@code Upstash-Retries}
 * @param maxDelayMillis largest accepted delay
 * @param maxTimeoutMillis largest per-attempt timeout (longer requests are clamped)
 * @param defaultRetries retries when none are given
 * @param destinations which destination and callback URLs may be published to
 */
public record PublishLimits(
    int maxRetries,
    long maxDelayMillis,
    long maxTimeoutMillis,
    int defaultRetries,
    DestinationPolicy destinations) {
  public PublishLimits(
      int maxRetries, long maxDelayMillis, long maxTimeoutMillis, int defaultRetries) {
    this(
        maxRetries, maxDelayMillis, maxTimeoutMillis, defaultRetries, DestinationPolicy.allowAll());
  }

  public static PublishLimits defaults() {
    return new PublishLimits(20, 365L * 86_400_000L, 2L * 3_600_000L, 3);
  }

  public PublishLimits withMaxRetries(int max) {
    return new PublishLimits(
        max, maxDelayMillis, maxTimeoutMillis, Math.min(defaultRetries, max), destinations);
  }

  public PublishLimits withDestinations(DestinationPolicy policy) {
    return new PublishLimits(maxRetries, maxDelayMillis, maxTimeoutMillis, defaultRetries, policy);
  }
}
