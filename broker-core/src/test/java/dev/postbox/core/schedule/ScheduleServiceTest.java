package dev.postbox.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import dev.postbox.core.testing.TestDispatchers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Schedule lifecycle and ticks, with a settable clock and a timer the test fires by hand. */
class ScheduleServiceTest {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, a minute boundary
  private static final long MINUTE = 60_000;

  /** Remembers the pending tick of each schedule; the test fires them. */
  private static final class ManualTimer implements TickTimer {
    final Map<ScheduleRef, Long> armed = new HashMap<>();

    @Override
    public void start(Listener listener) {}

    @Override
    public synchronized void arm(ScheduleRef ref, long at) {
      armed.put(ref, at);
    }

    @Override
    public synchronized void disarm(ScheduleRef ref) {
      armed.remove(ref);
    }

    @Override
    public void close() {}
  }

  /** Compilations so far: compiled expressions are cached, ticks do not compile again. */
  private final AtomicInteger compilations = new AtomicInteger();

  /** Every minute on the minute, whatever the expression says (cron maths is tested elsewhere). */
  private final CronCompiler everyMinute =
      spec -> {
        compilations.incrementAndGet();
        return after -> (after / MINUTE + 1) * MINUTE;
      };

  private final SettableClock clock = new SettableClock();
  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private final ManualTimer timer = new ManualTimer();
  private ScheduleService schedules;

  @BeforeEach
  void setUp() {
    clock.set(T0 + 10_000);
    schedules =
        service(
            TestDispatchers.publishService(store, clock), ScheduleService.DEFAULT_MAX_SCHEDULES);
  }

  private static Message template() {
    return Message.builder()
        .withTenant("t1")
        .withId("template")
        .withUrl("http://dest.example/cron")
        .withBody("{\"hello\":\"world\"}".getBytes())
        .withCallerIp("127.0.0.1")
        .withMaxRetries(2)
        .build();
  }

  private String create(String id, long delay) {
    return schedules.put(id, "* * * * *", template(), delay).join();
  }

  private List<Message> pending() {
    return store.scanMessages("t1", null, 100, m -> true);
  }

  @Test
  void createArmsTheNextTickAndStoresTheSchedule() {
    String id = create(null, 0);
    assertTrue(id.startsWith("scd_"), id);
    ScheduleService.View v = schedules.get("t1", id);
    assertEquals("* * * * *", v.schedule().cron());
    assertEquals(T0 + MINUTE, v.schedule().nextScheduleTime());
    assertEquals(0, v.schedule().lastScheduleTime());
    assertEquals(T0 + 10_000, v.schedule().createdAt());
    assertFalse(v.schedule().paused());
    assertEquals(T0 + MINUTE, timer.armed.get(new ScheduleRef("t1", id)));
    assertEquals(List.of(id), schedules.list("t1").stream().map(x -> x.schedule().id()).toList());
    assertTrue(schedules.list("t2").isEmpty());
    assertThrows(NotFoundException.class, () -> schedules.get("t2", id));
  }

  @Test
  void aTickProducesOneMessageAndAdvancesInTheSameWrite() {
    String id = create("nightly", 5_000);
    clock.set(T0 + MINUTE + 3);
    schedules.onTick(new ScheduleRef("t1", id), T0 + MINUTE).join();
    List<Message> produced = pending();
    assertEquals(1, produced.size());
    Message m = produced.get(0);
    assertEquals("nightly", m.scheduleId());
    assertEquals("http://dest.example/cron", m.url());
    assertEquals(2, m.maxRetries());
    assertEquals(T0 + MINUTE + 3, m.createdAt());
    assertEquals(T0 + MINUTE + 3 + 5_000, m.dueAt());
    ScheduleService.View v = schedules.get("t1", id);
    assertEquals(T0 + MINUTE + 3, v.schedule().lastScheduleTime());
    assertEquals(T0 + 2 * MINUTE, v.schedule().nextScheduleTime());
    assertEquals(Map.of(m.id(), RunState.IN_PROGRESS), v.lastStates());
    assertEquals(T0 + 2 * MINUTE, timer.armed.get(new ScheduleRef("t1", id)));

    // The same tick delivered again (a duplicate trigger) produces nothing.
    schedules.onTick(new ScheduleRef("t1", id), T0 + MINUTE).join();
    assertEquals(1, pending().size());
    assertEquals(1, compilations.get(), "the expression is compiled once, then cached");
  }

  @Test
  void missedTicksFireOnceThenContinueFromNow() {
    String id = create("s", 0);
    clock.set(T0 + 10 * MINUTE + 30_000); // down for nine ticks
    schedules.recover();
    assertEquals(T0 + MINUTE, timer.armed.get(new ScheduleRef("t1", id)));
    schedules.onTick(new ScheduleRef("t1", id), T0 + MINUTE).join();
    assertEquals(1, pending().size());
    assertEquals(T0 + 11 * MINUTE, schedules.get("t1", id).schedule().nextScheduleTime());
  }

  @Test
  void pausedSchedulesAdvanceWithoutProducing() {
    String id = create("s", 0);
    schedules.setPaused("t1", id, true).join();
    schedules.setPaused("t1", id, true).join(); // idempotent
    assertTrue(schedules.get("t1", id).schedule().paused());
    clock.set(T0 + MINUTE);
    schedules.onTick(new ScheduleRef("t1", id), T0 + MINUTE).join();
    assertTrue(pending().isEmpty());
    assertEquals(T0 + 2 * MINUTE, schedules.get("t1", id).schedule().nextScheduleTime());
    schedules.setPaused("t1", id, false).join();
    clock.set(T0 + 2 * MINUTE);
    schedules.onTick(new ScheduleRef("t1", id), T0 + 2 * MINUTE).join();
    assertEquals(1, pending().size());
  }

  @Test
  void replacingByIdResetsEverythingAndStaleTicksAreIgnored() {
    String id = create("s", 0);
    clock.set(T0 + MINUTE);
    schedules.onTick(new ScheduleRef("t1", id), T0 + MINUTE).join();
    Message other =
        template().toBuilder().withUrl("http://dest.example/other").withBody(null).build();
    clock.set(T0 + MINUTE + 30_000);
    schedules.put("s", "*/5 * * * *", other, 0).join();
    ScheduleService.View v = schedules.get("t1", "s");
    assertEquals("*/5 * * * *", v.schedule().cron());
    assertEquals("http://dest.example/other", v.schedule().template().url());
    assertEquals(0, v.schedule().template().body().length);
    assertEquals(0, v.schedule().lastScheduleTime());
    assertTrue(v.lastStates().isEmpty());
    assertEquals(1, schedules.list("t1").size());
    // A trigger armed for the old schedule finds a later next time and only re-arms it.
    schedules.onTick(new ScheduleRef("t1", "s"), T0 + MINUTE).join();
    assertEquals(1, pending().size());
    assertEquals(T0 + 2 * MINUTE, timer.armed.get(new ScheduleRef("t1", "s")));
  }

  @Test
  void deleteRemovesTheScheduleAndItsTimer() {
    String id = create("s", 0);
    schedules.delete("t1", id).join();
    assertThrows(NotFoundException.class, () -> schedules.get("t1", id));
    assertNull(timer.armed.get(new ScheduleRef("t1", id)));
    CompletionException e =
        assertThrows(CompletionException.class, () -> schedules.delete("t1", id).join());
    assertTrue(e.getCause() instanceof NotFoundException);
    schedules.onTick(new ScheduleRef("t1", id), T0 + MINUTE).join();
    assertTrue(pending().isEmpty());
  }

  @Test
  void aTenantHasAtMostMaxSchedulesAndTheCountSurvivesARestart() {
    ScheduleService two = limited(2);
    two.put("a", "* * * * *", template(), 0).join();
    two.put("b", "* * * * *", template(), 0).join();
    CompletionException e =
        assertThrows(
            CompletionException.class, () -> two.put("c", "* * * * *", template(), 0).join());
    assertEquals(ErrorCode.LIMIT_EXCEEDED, ((BrokerException) e.getCause()).code());
    two.put("a", "*/5 * * * *", template(), 0).join(); // replacing is not creating
    two.delete("t1", "b").join();
    two.put("c", "* * * * *", template(), 0).join();

    ScheduleService restarted = limited(2);
    restarted.recover();
    e =
        assertThrows(
            CompletionException.class, () -> restarted.put("d", "* * * * *", template(), 0).join());
    assertEquals(ErrorCode.LIMIT_EXCEEDED, ((BrokerException) e.getCause()).code());
  }

  @Test
  void aTickIntoANewQueueBeyondTheQueueLimitIsSkippedNotRetried() {
    QueueService queues = new QueueService(store, clock, Runnable::run, 1);
    queues.upsert("t1", "only", 1, false);
    schedules =
        service(
            TestDispatchers.publishService(store, clock, queues),
            ScheduleService.DEFAULT_MAX_SCHEDULES);
    String id =
        schedules
            .put("q", "* * * * *", template().toBuilder().withQueueName("other").build(), 0)
            .join();
    clock.set(T0 + MINUTE + 3);
    schedules.onTick(new ScheduleRef("t1", id), T0 + MINUTE).join();
    assertTrue(pending().isEmpty());
    assertEquals(T0 + 2 * MINUTE, schedules.get("t1", id).schedule().nextScheduleTime());
    assertEquals(T0 + 2 * MINUTE, timer.armed.get(new ScheduleRef("t1", id)));
  }

  private ScheduleService limited(int maxSchedules) {
    return service(TestDispatchers.publishService(store, clock), maxSchedules);
  }

  private ScheduleService service(PublishService publish, int maxSchedules) {
    return new ScheduleService(
        store, publish, everyMinute, timer, clock, false, Runnable::run, maxSchedules);
  }

  @Test
  void nextFireTimesStartAtTheStoredNextFireTimeAndFollowTheExpression() {
    String id = create("s", 0);
    assertEquals(
        List.of(T0 + MINUTE, T0 + 2 * MINUTE, T0 + 3 * MINUTE, T0 + 4 * MINUTE, T0 + 5 * MINUTE),
        schedules.nextFireTimes("t1", id, 5));
    schedules.setPaused("t1", id, true).join();
    assertEquals(List.of(T0 + MINUTE), schedules.nextFireTimes("t1", id, 1));
    assertThrows(NotFoundException.class, () -> schedules.nextFireTimes("t2", id, 5));
  }

  @Test
  void runStatesReportTheLastTicksMessages() {
    String id = create("s", 0);
    clock.set(T0 + MINUTE);
    schedules.onTick(new ScheduleRef("t1", id), T0 + MINUTE).join();
    String msg = pending().get(0).id();
    store
        .commit(
            new StoreBatch().putRunState(new ScheduleRef("t1", id), msg, RunState.SUCCESS),
            Durability.SYNC)
        .join();
    assertEquals(Map.of(msg, RunState.SUCCESS), schedules.get("t1", id).lastStates());
    clock.set(T0 + 2 * MINUTE);
    schedules.onTick(new ScheduleRef("t1", id), T0 + 2 * MINUTE).join();
    assertEquals(1, schedules.get("t1", id).lastStates().size());
    assertTrue(store.runStates(new ScheduleRef("t1", id)).isEmpty()); // the old state is gone
  }

  /** Ticks once at the next minute; returns the message it produced. */
  private Message tickOnce(String id) {
    clock.set(T0 + MINUTE);
    schedules.onTick(new ScheduleRef("t1", id), T0 + MINUTE).join();
    return pending().get(0);
  }

  @Test
  void aCancelledTickMessageShowsFailNotInProgressForever() {
    String id = create("s", 0);
    Message m = tickOnce(id);
    assertEquals(Map.of(m.id(), RunState.IN_PROGRESS), schedules.get("t1", id).lastStates());
    // As a cancel commits it: the record goes, no outcome is recorded.
    store
        .commit(
            new StoreBatch().cancelMessage(m, clock.millis()).deleteDue(m.dueAt(), m.ref()),
            Durability.SYNC)
        .join();
    assertEquals(Map.of(m.id(), RunState.FAIL), schedules.get("t1", id).lastStates());
    assertEquals(Map.of(m.id(), RunState.FAIL), schedules.list("t1").get(0).lastStates());
  }

  @Test
  void anOutcomeRecordedWhileTheViewIsReadIsShown() {
    String id = create("s", 0);
    Message m = tickOnce(id);
    // Delivered between the view's read of the run states and its read of the message: the
    // outcome is recorded in the write that removes the message.
    store.beforeFindMessage =
        ref -> {
          store.beforeFindMessage = r -> {};
          store
              .commit(
                  new StoreBatch()
                      .finishMessage(m, false)
                      .putRunState(new ScheduleRef("t1", id), m.id(), RunState.SUCCESS),
                  Durability.SYNC)
              .join();
        };
    assertEquals(Map.of(m.id(), RunState.SUCCESS), schedules.get("t1", id).lastStates());
  }

  @Test
  void aTickWhileTheViewIsReadShowsTheNewTick() {
    String id = create("s", 0);
    Message first = tickOnce(id);
    // The first message is delivered and the next tick (which forgets its outcome) runs between
    // the view's read of the run states and its read of the message.
    store.beforeFindMessage =
        ref -> {
          store.beforeFindMessage = r -> {};
          store
              .commit(
                  new StoreBatch()
                      .finishMessage(first, false)
                      .putRunState(new ScheduleRef("t1", id), first.id(), RunState.SUCCESS),
                  Durability.SYNC)
              .join();
          clock.set(T0 + 2 * MINUTE);
          schedules.onTick(new ScheduleRef("t1", id), T0 + 2 * MINUTE).join();
        };
    Map<String, RunState> states = schedules.get("t1", id).lastStates();
    Message second = pending().get(0);
    assertEquals(Map.of(second.id(), RunState.IN_PROGRESS), states);
  }
}
