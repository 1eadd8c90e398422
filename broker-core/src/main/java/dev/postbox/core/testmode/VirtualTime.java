package dev.postbox.core.testmode;

import dev.postbox.core.time.AdvanceableClock;
import java.util.List;

/**
 * Test mode's time control (docs/testing.md): advancing the clock in steps, one per due time in
 * between, so that what falls due during an advance runs in due order, each at its own time (a
 * retry's backoff counts from its failed attempt, a cron schedule ticks once per fire time); and
 * flushing a tenant: waiting until nothing of it is due or in flight. One advance at a time.
 */
public final class VirtualTime {
  /** Longest an advance waits for one step's work before it jumps to its end. */
  static final long STEP_WAIT_MILLIS = 2_000;

  /** Most steps an advance takes before it jumps to its end. */
  static final int MAX_STEPS = 10_000;

  /**
   * Longest an advance steps, in wall time, before it jumps to its end (a schedule every minute
   * advanced by a week would take 10,080 steps).
   */
  static final long STEPPING_BUDGET_MILLIS = 10_000;

  private final AdvanceableClock clock;
  private final Activity activity;
  private final DeliveryLog deliveries;
  private final Object advancing = new Object();

  public VirtualTime(AdvanceableClock clock, Activity activity, DeliveryLog deliveries) {
    this.clock = clock;
    this.activity = activity;
    this.deliveries = deliveries;
  }

  public AdvanceableClock clock() {
    return clock;
  }

  /**
   * Moves the clock forward by {@code byMillis}: to each time something falls due before the end,
   * waiting at each for what became due to be delivered (or produced), then to the end. A step
   * whose work does not end within {@link #STEP_WAIT_MILLIS} (a destination that hangs, a message
   * held back by flow control), or stepping for longer than {@link #STEPPING_BUDGET_MILLIS}, ends
   * the stepping: the clock then jumps to the end (schedule ticks missed on the way then collapse
   * into one, as after a downtime). Returns the clock's time after the advance.
   */
  public long advance(long byMillis) {
    if (byMillis < 0) {
      throw new IllegalArgumentException("the clock only moves forward");
    }
    synchronized (advancing) {
      long target = clock.millis() + byMillis;
      long budgetEnds = System.nanoTime() + STEPPING_BUDGET_MILLIS * 1_000_000L;
      for (int step = 0; step < MAX_STEPS && System.nanoTime() - budgetEnds < 0; step++) {
        if (!Activity.await(() -> activity.quiet(null, clock.millis()), STEP_WAIT_MILLIS)) {
          break;
        }
        long next = activity.nextDueAfter(clock.millis());
        if (next > target) {
          break;
        }
        clock.advanceTo(next);
      }
      return clock.advanceTo(target);
    }
  }

  /**
   * Waits up to {@code timeoutMillis} until nothing of {@code tenant} is due now or in flight, then
   * answers the attempts that ended since the previous flush; null when it timed out.
   */
  public List<RecordedAttempt> flush(String tenant, long timeoutMillis) {
    if (!Activity.await(() -> activity.quiet(tenant, clock.millis()), timeoutMillis)) {
      return null;
    }
    return deliveries.sinceLastFlush(tenant);
  }
}
