package dev.postbox.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.Deduplication;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StorageQuota;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import dev.postbox.core.testing.TestDispatchers;
import dev.postbox.core.testmode.Activity;
import dev.postbox.core.testmode.DeliveryLog;
import dev.postbox.core.testmode.PendingTicks;
import dev.postbox.core.testmode.RecordedAttempt;
import dev.postbox.core.testmode.VirtualTime;
import dev.postbox.core.time.AdvanceableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each kind of timer follows test mode's clock: delays, retry backoff, Retry-After, flow-control
 * rate windows and deduplication windows end when the clock is advanced, with no real waiting. The
 * real clock underneath stands still, so nothing here depends on how fast the test runs.
 */
class VirtualTimeDispatchTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String URL = "http://dest.example/hook";
  private static final long HOUR = Duration.ofHours(1).toMillis();

  private final SettableClock real = new SettableClock();
  private final AdvanceableClock clock = new AdvanceableClock(real);
  private final MessageStore store = new InMemoryMessageStore();
  private final ScriptedDeliverer deliverer = new ScriptedDeliverer();
  private final QueueService queues = TestDispatchers.queues(store, clock);
  private final FlowControlService flow = new FlowControlService(store, clock);
  private final DeliveryLog log = new DeliveryLog(100);
  private Dispatcher dispatcher;
  private PublishService publish;

  @BeforeEach
  void setUp() {
    real.set(T0);
    dispatcher =
        TestDispatchers.create(
            store, deliverer, queues, flow, clock, new Dispatcher.Options(100, 10, 100, 1000));
    dispatcher.observeAttempts(log);
    publish =
        new PublishService(store, dispatcher, queues, flow, StorageQuota.unlimited(store, clock));
  }

  @AfterEach
  void tearDown() {
    dispatcher.stop(1000);
  }

  private Message.Builder message(long dueAt) {
    return Message.builder()
        .withTenant("t1")
        .withId(Ids.messageId())
        .withUrl(URL)
        .withBody("hello".getBytes())
        .withCreatedAt(clock.millis())
        .withNotBefore(dueAt)
        .withDueAt(dueAt);
  }

  private Message publish(Message m) {
    publish.accept(List.of(m)).join();
    return m;
  }

  @Test
  void aDelayedMessageGoesOnceTheClockIsAdvancedPastItsTime() {
    publish(message(clock.millis() + HOUR).build());
    assertEquals(0, dispatcher.runOnce());
    clock.advance(HOUR - 1);
    assertEquals(0, dispatcher.runOnce());
    clock.advance(1);
    assertEquals(1, dispatcher.runOnce());
  }

  @Test
  void retryBackoffCountsOnTheAdvancedClockAndAttemptsAreRecorded() {
    deliverer.answer(URL, ScriptedDeliverer.status(500));
    Message m = publish(message(T0).build());
    assertEquals(1, dispatcher.runOnce());
    clock.advance(12_181); // the first backoff is 12,182 ms
    assertEquals(0, dispatcher.runOnce());
    clock.advance(1);
    assertEquals(1, dispatcher.runOnce());
    List<RecordedAttempt> attempts = log.list("t1", null, m.id());
    assertEquals(2, attempts.size());
    assertEquals(1, attempts.get(0).attempt());
    assertEquals(500, attempts.get(0).status());
    assertEquals(T0, attempts.get(0).at());
    assertEquals(2, attempts.get(1).attempt());
    assertEquals(200, attempts.get(1).status());
    assertEquals(T0 + 12_182, attempts.get(1).at());
    assertEquals(List.of("1"), attempts.get(1).headers().get("Upstash-Retried"));
  }

  @Test
  void aRetryAfterOfAnHourEndsWhenTheClockIsAdvancedAnHour() {
    deliverer.answer(
        URL, new DeliveryResponse(429, Map.of("Retry-After", List.of("3600")), null, null));
    publish(message(T0).build());
    assertEquals(1, dispatcher.runOnce());
    clock.advance(HOUR - 1);
    assertEquals(0, dispatcher.runOnce());
    clock.advance(1);
    assertEquals(1, dispatcher.runOnce());
  }

  @Test
  void aFlowControlRateWindowReopensWhenTheClockIsAdvancedAPeriod() {
    FlowControl oncePerMinute = new FlowControl("k", null, 1, 60);
    publish(message(T0).withFlowControl(oncePerMinute).build());
    publish(message(T0).withFlowControl(oncePerMinute).build());
    assertEquals(1, dispatcher.runOnce());
    assertEquals(0, dispatcher.runOnce()); // the second waits for the next period
    clock.advance(60_000);
    assertEquals(1, dispatcher.runOnce());
    assertEquals(2, deliverer.requests.size());
  }

  @Test
  void aDeduplicationWindowEndsWhenTheClockIsAdvancedPastIt() {
    Deduplication dedup = new Deduplication(store, publish, clock, 600_000);
    assertFalse(dedup.publish(List.of(message(T0).build()), "order-1").join().deduplicated());
    clock.advance(599_999);
    assertTrue(dedup.publish(List.of(message(T0).build()), "order-1").join().deduplicated());
    clock.advance(1);
    assertFalse(dedup.publish(List.of(message(T0).build()), "order-1").join().deduplicated());
  }

  @Test
  void oneAdvanceRunsEachRetryAtItsOwnTimeUntilTheMessageIsDeadLettered() {
    for (int i = 0; i < 4; i++) {
      deliverer.answer(URL, ScriptedDeliverer.status(500));
    }
    PendingTicks none =
        new PendingTicks() {
          @Override
          public long earliest() {
            return Long.MAX_VALUE;
          }

          @Override
          public boolean anyDue(String tenant, long upTo) {
            return false;
          }
        };
    VirtualTime time = new VirtualTime(clock, new Activity(store, dispatcher, queues, none), log);
    clock.onAdvance(now -> dispatcher.wakeUp());
    Message m = publish(message(T0).withMaxRetries(3).build());
    dispatcher.start();
    // Backoffs 12.2 s, 148 s and 30 min: all within one advance of an hour, each from its attempt.
    time.advance(HOUR);
    List<RecordedAttempt> attempts = time.flush("t1", 5_000);
    assertNotNull(attempts);
    assertEquals(4, attempts.size());
    assertEquals(T0 + 12_182, attempts.get(1).at());
    assertEquals(T0 + 12_182 + 148_413, attempts.get(2).at());
    assertEquals(T0 + 12_182 + 148_413 + 1_808_042, attempts.get(3).at());
    assertTrue(store.findMessage(m.ref()).isEmpty());
    assertEquals(1, store.listDlq("t1", null, 10, true, e -> true).items().size());
    assertEquals(T0 + HOUR, clock.millis());
  }
}
