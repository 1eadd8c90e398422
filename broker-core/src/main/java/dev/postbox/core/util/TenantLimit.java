package dev.postbox.core.util;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many of something (queues, schedules) each tenant has, against a maximum. Taking one more
 * than the maximum is LIMIT_EXCEEDED (412, as QStash's plan limits are). Thread-safe.
 */
public final class TenantLimit {
  private final String noun;
  private final String flag;
  private final int max;
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  /**
   * @param noun what is counted, singular ("queue"): the error reads "queue limit reached: ..."
   * @param flag the setting that raises the maximum, for the error message
   */
  public TenantLimit(String noun, String flag, int max) {
    this.noun = noun;
    this.flag = flag;
    this.max = max;
  }

  /** Counts one more for {@code tenant}, or throws LIMIT_EXCEEDED when it has the most. */
  public void take(String tenant) {
    AtomicInteger n = count(tenant);
    while (true) {
      int now = n.get();
      if (now >= max) {
        throw new BrokerException(
            ErrorCode.LIMIT_EXCEEDED,
            noun
                + " limit reached: "
                + now
                + " exist and at most "
                + max
                + " are allowed (delete one, or raise "
                + flag
                + ")");
      }
      if (n.compareAndSet(now, now + 1)) {
        return;
      }
    }
  }

  /** Counts one that already exists (found at start-up), even beyond a lowered maximum. */
  public void counted(String tenant) {
    count(tenant).incrementAndGet();
  }

  /** One fewer for {@code tenant}. */
  public void give(String tenant) {
    count(tenant).decrementAndGet();
  }

  private AtomicInteger count(String tenant) {
    return counts.computeIfAbsent(tenant, t -> new AtomicInteger());
  }
}
