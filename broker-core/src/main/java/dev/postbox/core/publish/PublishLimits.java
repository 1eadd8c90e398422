package dev.postbox.core.publish;

/**
 * Bounds on publish options.
 *
 * @param maxRetries largest accepted {@code Upstash-Retries}
 * @param maxDelayMillis largest accepted delay
 * @param maxTimeoutMillis largest per-attempt timeout (longer requests are clamped)
 * @param defaultRetries retries when none are given
 */
public record PublishLimits(
    int maxRetries, long maxDelayMillis, long maxTimeoutMillis, int defaultRetries) {
  public static PublishLimits defaults() {
    return new PublishLimits(20, 365L * 86_400_000L, 2L * 3_600_000L, 3);
  }

  public PublishLimits withMaxRetries(int max) {
    return new PublishLimits(max, maxDelayMillis, maxTimeoutMillis, Math.min(defaultRetries, max));
  }
}
