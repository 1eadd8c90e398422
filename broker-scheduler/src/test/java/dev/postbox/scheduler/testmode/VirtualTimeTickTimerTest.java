package dev.postbox.scheduler.testmode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.schedule.Cron;
import dev.postbox.core.schedule.CronSpec;
import dev.postbox.core.schedule.ScheduleRef;
import dev.postbox.core.time.AdvanceableClock;
import dev.postbox.core.time.SystemClock;
import dev.postbox.scheduler.quartz.QuartzCronCompiler;
import dev.postbox.scheduler.quartz.QuartzTickTimer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cron ticks follow test mode's clock: Quartz fires them as soon as an advance makes them due. */
class VirtualTimeTickTimerTest {
  private record Fired(ScheduleRef ref, long at) {}

  private static final ScheduleRef A = new ScheduleRef("t1", "a");
  private static final ScheduleRef B = new ScheduleRef("t2", "b");

  private final BlockingQueue<Fired> fired = new LinkedBlockingQueue<>();
  private final AdvanceableClock clock = new AdvanceableClock(SystemClock.INSTANCE);
  private VirtualTimeTickTimer timer;

  @BeforeEach
  void start() {
    timer = new VirtualTimeTickTimer(new QuartzTickTimer(2), clock);
    timer.start((ref, at) -> fired.add(new Fired(ref, at)));
  }

  @AfterEach
  void stop() {
    timer.close();
  }

  @Test
  void aCronTickAnHourAwayFiresAtOnceWhenTheClockIsAdvancedAnHour() throws Exception {
    Cron every5 = new QuartzCronCompiler().compile(CronSpec.parse("*/5 * * * *", false));
    long first = every5.nextAfter(clock.millis() + Duration.ofMinutes(55).toMillis());
    timer.arm(A, first);
    assertEquals(first, timer.earliest());
    assertFalse(timer.anyDue(null, clock.millis()));
    assertNull(fired.poll(200, TimeUnit.MILLISECONDS));

    clock.advanceTo(first);
    assertEquals(new Fired(A, first), fired.poll(10, TimeUnit.SECONDS));
    assertTrue(timer.anyDue("t1", clock.millis()), "handed over, its schedule not re-armed yet");
    assertFalse(timer.anyDue("t2", clock.millis()));

    long second = every5.nextAfter(first);
    assertEquals(first + Duration.ofMinutes(5).toMillis(), second);
    timer.arm(A, second); // what the schedule does after its tick
    assertFalse(timer.anyDue("t1", clock.millis()));
    assertNull(fired.poll(200, TimeUnit.MILLISECONDS));
    clock.advance(Duration.ofMinutes(5).toMillis());
    assertEquals(new Fired(A, second), fired.poll(10, TimeUnit.SECONDS));
  }

  @Test
  void onlyTheTicksAnAdvanceMakesDueFireAndADisarmedOneNever() throws Exception {
    long now = clock.millis();
    long hour = Duration.ofHours(1).toMillis();
    timer.arm(A, now + hour);
    timer.arm(B, now + 2 * hour);
    ScheduleRef gone = new ScheduleRef("t1", "gone");
    timer.arm(gone, now + hour);
    timer.disarm(gone);
    clock.advance(hour);
    assertEquals(new Fired(A, now + hour), fired.poll(10, TimeUnit.SECONDS));
    assertNull(fired.poll(300, TimeUnit.MILLISECONDS));
    assertEquals(now + 2 * hour, timer.earliest());
    clock.advance(hour);
    assertEquals(new Fired(B, now + 2 * hour), fired.poll(10, TimeUnit.SECONDS));
    assertEquals(Long.MAX_VALUE, timer.earliest());
  }
}
