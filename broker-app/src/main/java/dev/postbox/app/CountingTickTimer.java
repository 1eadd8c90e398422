package dev.postbox.app;

import dev.postbox.core.metrics.BrokerMetrics;
import dev.postbox.core.schedule.ScheduleRef;
import dev.postbox.core.schedule.TickTimer;

/** A {@link TickTimer} that counts each tick it hands on in {@link BrokerMetrics#scheduleTick}. */
final class CountingTickTimer implements TickTimer {
  private final TickTimer timer;
  private final BrokerMetrics metrics;

  CountingTickTimer(TickTimer timer, BrokerMetrics metrics) {
    this.timer = timer;
    this.metrics = metrics;
  }

  @Override
  public void start(Listener listener) {
    timer.start(
        (ref, scheduledAt) -> {
          metrics.scheduleTick();
          listener.onTick(ref, scheduledAt);
        });
  }

  @Override
  public void arm(ScheduleRef ref, long at) {
    timer.arm(ref, at);
  }

  @Override
  public void disarm(ScheduleRef ref) {
    timer.disarm(ref);
  }

  @Override
  public void close() {
    timer.close();
  }
}
