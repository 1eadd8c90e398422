package dev.postbox.core.schedule;

/**
 * Port: calls back when a schedule's next tick is due. Holds at most one pending tick per schedule
 * and nothing durable: the schedules in the store are the truth, and the timer is re-armed from
 * them on start. Thread-safe.
 */
public interface TickTimer extends AutoCloseable {
  /** Receives due ticks, on the timer's threads; must not block. */
  @FunctionalInterface
  interface Listener {
    void onTick(ScheduleRef ref, long scheduledAt);
  }

  void start(Listener listener);

  /** Fires {@code ref} at {@code at} (at once when it is past), replacing any pending tick. */
  void arm(ScheduleRef ref, long at);

  /** Drops the pending tick of {@code ref}, if any. */
  void disarm(ScheduleRef ref);

  @Override
  void close();
}
