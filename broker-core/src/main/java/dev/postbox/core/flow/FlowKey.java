package dev.postbox.core.flow;

import dev.postbox.core.message.FlowControl;

/**
 * The stored configuration of a flow-control key (docs/api.md#flow-control): its limits (0 = no
 * limit), which of them are pinned, and whether it is paused. Counters (in flight, started this
 * period) are not stored.
 *
 * @param parallelismMax most deliveries of the key in flight at once, 0 for no limit
 * @param rateMax most deliveries started per period, 0 for no limit
 * @param ratePeriodSeconds the rate window, 0 when there is no rate limit
 */
public record FlowKey(
    String tenant,
    String key,
    int parallelismMax,
    int rateMax,
    long ratePeriodSeconds,
    boolean pinnedParallelism,
    boolean pinnedRate,
    boolean paused) {

  public FlowRef ref() {
    return new FlowRef(tenant, key);
  }

  /** A new key as a message declares it. */
  public static FlowKey declared(String tenant, FlowControl fc) {
    return new FlowKey(tenant, fc.key(), 0, 0, 0, false, false, false).merge(fc);
  }

  /** The configuration after a message declared {@code fc}: the latest wins, unless pinned. */
  public FlowKey merge(FlowControl fc) {
    int p = pinnedParallelism ? parallelismMax : (fc.parallelism() == null ? 0 : fc.parallelism());
    int r = pinnedRate ? rateMax : (fc.rate() == null ? 0 : fc.rate());
    long period = pinnedRate ? ratePeriodSeconds : (fc.rate() == null ? 0 : fc.periodSeconds());
    return new FlowKey(tenant, key, p, r, period, pinnedParallelism, pinnedRate, paused);
  }

  public FlowKey withPaused(boolean v) {
    return new FlowKey(
        tenant, key, parallelismMax, rateMax, ratePeriodSeconds, pinnedParallelism, pinnedRate, v);
  }

  /** Pins the given limits (null: leave that limit as it is, pinned or not). */
  public FlowKey pin(Integer parallelism, Integer rate, Long periodSeconds) {
    int p = parallelism != null ? parallelism : parallelismMax;
    int r = rate != null ? rate : rateMax;
    long period =
        periodSeconds != null
            ? periodSeconds
            : (rate != null && ratePeriodSeconds == 0 ? 1 : ratePeriodSeconds);
    return new FlowKey(
        tenant,
        key,
        p,
        r,
        period,
        pinnedParallelism || parallelism != null,
        pinnedRate || rate != null || periodSeconds != null,
        paused);
  }

  /** Unpins; the values stay in effect until a message brings others (docs/api.md#flow-control). */
  public FlowKey unpin(boolean parallelism, boolean rate) {
    return new FlowKey(
        tenant,
        key,
        parallelismMax,
        rateMax,
        ratePeriodSeconds,
        pinnedParallelism && !parallelism,
        pinnedRate && !rate,
        paused);
  }
}
