package dev.postbox.app;

import dev.postbox.core.schedule.TickTimer;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.core.testmode.Activity;
import dev.postbox.core.testmode.DeliveryLog;
import dev.postbox.core.testmode.TenantReset;
import dev.postbox.core.testmode.VirtualTime;
import dev.postbox.core.time.AdvanceableClock;
import dev.postbox.core.time.Clock;
import dev.postbox.core.time.SystemClock;
import dev.postbox.http.api.Routes;
import dev.postbox.http.api.TestEndpoints;
import dev.postbox.scheduler.testmode.VirtualTimeTickTimer;

/**
 * The wiring of test mode (docs/testing.md). On, the broker runs on a clock tests move forward,
 * schedules tick on it, deliveries are recorded and {@code /test/} answers; off, the broker runs on
 * the system clock with nothing added, and every {@code /test/} path is a 404.
 */
final class TestMode {
  private final AdvanceableClock clock; // null: off
  private VirtualTimeTickTimer ticks;

  TestMode(boolean on) {
    this.clock = on ? new AdvanceableClock(SystemClock.INSTANCE) : null;
  }

  /** The clock every part of the broker reads. */
  Clock clock() {
    return clock != null ? clock : SystemClock.INSTANCE;
  }

  /** The timer schedules arm: on the test clock when on. */
  TickTimer ticks(TickTimer real) {
    if (clock == null) {
      return real;
    }
    ticks = new VirtualTimeTickTimer(real, clock);
    return ticks;
  }

  /** Runs {@code task} after each advance of the clock (when on): retention passes, say. */
  void afterAdvance(Runnable task) {
    if (clock != null) {
      clock.onAdvance(now -> task.run());
    }
  }

  /** Mounts the {@code /test/} routes in front of the API's (all 404 when off). */
  void mount(Routes api, Tenants tenants, TenantReset.Services services) {
    if (clock == null) {
      api.mount(TestEndpoints.off(tenants));
      return;
    }
    DeliveryLog deliveries = new DeliveryLog(DeliveryLog.DEFAULT_CAPACITY);
    services.dispatcher().observeAttempts(deliveries);
    clock.onAdvance(now -> services.dispatcher().wakeUp());
    Activity activity =
        new Activity(services.store(), services.dispatcher(), services.queues(), ticks);
    TestEndpoints endpoints =
        new TestEndpoints(
            new VirtualTime(clock, activity, deliveries),
            deliveries,
            new TenantReset(services, deliveries));
    api.mount(endpoints.routes(tenants));
  }
}
