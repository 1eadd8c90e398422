package dev.postbox.core.schedule;

/** A compiled cron expression: when it fires next. Immutable and thread-safe. */
@FunctionalInterface
public interface Cron {
  /** Returned by {@link #nextAfter} when the expression never fires again. */
  long NEVER = Long.MAX_VALUE;

  /** The first fire time strictly after {@code epochMillis}, or {@link #NEVER}. */
  long nextAfter(long epochMillis);
}
