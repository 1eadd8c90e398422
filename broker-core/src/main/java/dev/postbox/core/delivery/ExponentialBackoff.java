package dev.postbox.core.delivery;

/**
 * QStash's default backoff (docs/api.md#retries): {@code min(86400, e^(2.5k))} seconds before retry
 * k.
 */
public final class ExponentialBackoff {
  /** The cap: one day. */
  public static final long MAX_DELAY_MILLIS = 86_400_000L;

  private ExponentialBackoff() {}

  /**
   * @param k the retry about to be scheduled: 1 for the first retry
   */
  public static long delayMillis(int k) {
    if (k <= 0) {
      return 0;
    }
    double seconds = Math.min(86_400.0, Math.exp(2.5 * k));
    return Math.min(MAX_DELAY_MILLIS, Math.round(seconds * 1000.0));
  }
}
