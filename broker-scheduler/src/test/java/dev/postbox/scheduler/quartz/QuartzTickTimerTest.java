package dev.postbox.scheduler.quartz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.schedule.ScheduleRef;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Quartz timer fires armed ticks once, honours re-arming and disarming. */
class QuartzTickTimerTest {
  private record Fired(ScheduleRef ref, long at) {}

  private final BlockingQueue<Fired> fired = new LinkedBlockingQueue<>();
  private QuartzTickTimer timer;

  @BeforeEach
  void start() {
    timer = new QuartzTickTimer(2);
    timer.start((ref, at) -> fired.add(new Fired(ref, at)));
  }

  @AfterEach
  void stop() {
    timer.close();
  }

  @Test
  void firesPastAndFutureTicksOnce() throws Exception {
    ScheduleRef a = new ScheduleRef("t1", "a");
    ScheduleRef b = new ScheduleRef("t2", "a"); // same id, other tenant: a separate job
    long now = System.currentTimeMillis();
    timer.arm(a, now - 5_000);
    timer.arm(b, now + 200);
    Fired first = fired.poll(10, TimeUnit.SECONDS);
    Fired second = fired.poll(10, TimeUnit.SECONDS);
    assertEquals(new Fired(a, now - 5_000), first);
    assertEquals(new Fired(b, now + 200), second);
    assertTrue(System.currentTimeMillis() >= now + 200 - 5);
    assertNull(fired.poll(300, TimeUnit.MILLISECONDS));
    assertEquals(0, timer.pending());
  }

  @Test
  void schedulesDueAtTheSameTimeShareOneTrigger() throws Exception {
    long at = System.currentTimeMillis() + 300;
    for (int i = 0; i < 1000; i++) {
      timer.arm(new ScheduleRef("t", "s" + i), at);
    }
    timer.arm(new ScheduleRef("t", "s0"), at + 60_000); // moved away
    assertEquals(1000, timer.pending());
    assertEquals(2, timer.pendingTriggers());
    for (int i = 1; i < 1000; i++) {
      Fired f = fired.poll(10, TimeUnit.SECONDS);
      assertEquals(at, f.at());
    }
    assertNull(fired.poll(300, TimeUnit.MILLISECONDS));
    assertEquals(1, timer.pending());
    timer.disarm(new ScheduleRef("t", "s0"));
    assertEquals(0, timer.pendingTriggers());
  }

  @Test
  void reArmingReplacesAndDisarmingDrops() throws Exception {
    ScheduleRef a = new ScheduleRef("t", "a");
    ScheduleRef b = new ScheduleRef("t", "b");
    long now = System.currentTimeMillis();
    timer.arm(a, now + 60_000);
    timer.arm(a, now + 100);
    timer.arm(b, now + 100);
    timer.disarm(b);
    assertEquals(new Fired(a, now + 100), fired.poll(10, TimeUnit.SECONDS));
    assertNull(fired.poll(500, TimeUnit.MILLISECONDS));
    // The job stays registered after its trigger fired, so it can be armed again.
    timer.arm(a, System.currentTimeMillis());
    assertEquals(a, fired.poll(10, TimeUnit.SECONDS).ref());
  }

  @Test
  void itsSchedulerThreadAndTwoWorkersAreDaemonsNamedAfterTheTimer() {
    List<Thread> quartz =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("postbox-ticks-"))
            .toList();
    assertTrue(
        quartz.stream().anyMatch(t -> t.getName().endsWith("_QuartzSchedulerThread")),
        quartz.toString());
    assertTrue(quartz.stream().anyMatch(t -> t.getName().contains("_Worker-2")), quartz.toString());
    for (Thread t : quartz) {
      assertTrue(t.isDaemon(), t.getName() + " keeps the JVM alive");
    }
  }
}
