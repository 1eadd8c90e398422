package dev.postbox.core.delivery;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.Message;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a failed attempt is retried and when (docs/api.md#delivery, #retries): a
 * destination's {@code Retry-After}-style hint first, then the message's {@code
 * Upstash-Retry-Delay} expression, then the default exponential backoff. Thread-safe.
 */
public final class RetryPolicy {
  private static final int CACHE_LIMIT = 1024;
  private final ConcurrentHashMap<String, RetryDelayExpression> expressions =
      new ConcurrentHashMap<>();

  /**
   * @param attemptsMade attempts made so far, including the one that just failed
   * @return false for a non-retryable response or when all 1 + maxRetries attempts are used
   */
  public boolean shouldRetry(Message m, int attemptsMade, DeliveryResponse r) {
    return !r.isNonRetryable() && attemptsMade < 1 + m.maxRetries();
  }

  /**
   * The delay before the next attempt.
   *
   * @param retriesDone retries performed before the attempt that just failed (0 after the first
   *     attempt fails): the expression's {@code retried}; the backoff's k is retriesDone + 1
   */
  public long nextDelayMillis(Message m, int retriesDone, DeliveryResponse r, long nowMillis) {
    OptionalLong hint = RetryAfter.delayMillis(r.headers(), nowMillis);
    if (hint.isPresent()) {
      return hint.getAsLong();
    }
    if (m.retryDelayExpression() != null) {
      try {
        return expression(m.retryDelayExpression()).delayMillis(retriesDone);
      } catch (InvalidRequestException unparsable) {
        // Validated at publish; if a stored one ever fails, retrying on the backoff beats stalling.
        return ExponentialBackoff.delayMillis(retriesDone + 1);
      }
    }
    return ExponentialBackoff.delayMillis(retriesDone + 1);
  }

  private RetryDelayExpression expression(String source) {
    RetryDelayExpression e = expressions.get(source);
    if (e == null) {
      e = RetryDelayExpression.parse(source);
      if (expressions.size() < CACHE_LIMIT) {
        expressions.put(source, e);
      }
    }
    return e;
  }
}
