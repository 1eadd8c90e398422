package dev.postbox.core.testmode;

/** The schedule ticks a timer holds, as test mode's advance and flush need to see them. */
public interface PendingTicks {
  /** The earliest armed tick (epoch ms, the broker's clock), {@code Long.MAX_VALUE}: none. */
  long earliest();

  /**
   * Whether a tick of {@code tenant} (null: any) is armed at or before {@code upTo}, or was just
   * handed over and its schedule has not been re-armed yet.
   */
  boolean anyDue(String tenant, long upTo);
}
