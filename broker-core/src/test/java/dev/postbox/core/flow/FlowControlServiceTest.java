package dev.postbox.core.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Message;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Keys in memory stay bounded: idle ones are let go and read back from the store when used. */
class FlowControlServiceTest {
  private static final int FLOOR = 8;
  private static final Duration AFTER_GRACE =
      Duration.ofMillis(FlowControlService.IDLE_GRACE_MILLIS + 1);

  private final SettableClock clock = new SettableClock();
  private final MessageStore store = new InMemoryMessageStore();
  private final FlowControlService flow = new FlowControlService(store, clock, FLOOR);

  FlowControlServiceTest() {
    clock.set(1_700_000_000_000L);
  }

  /** What a publish does: declare the key in the same write as the message. */
  private void publish(String key, FlowControl fc) {
    Message m =
        Message.builder()
            .withTenant("t1")
            .withId("m-" + key + "-" + clock.millis())
            .withUrl("http://127.0.0.1:9/x")
            .withBody(new byte[0])
            .withFlowControl(fc)
            .build();
    StoreBatch b = new StoreBatch();
    flow.prepare(List.of(m), b);
    store.commit(b, Durability.SYNC).join();
  }

  private static FlowControl parallelism(String key, int n) {
    return new FlowControl(key, n, null, 0);
  }

  /** Publishes {@code n} keys nobody uses again, so that a sweep has something to let go. */
  private void churn(String prefix, int n) {
    for (int i = 0; i < n; i++) {
      publish(prefix + i, parallelism(prefix + i, 1));
    }
  }

  @Test
  void idleKeysAreLetGoAndReadBackWithTheirConfiguration() {
    publish("paused", parallelism("paused", 3));
    flow.pause("t1", "paused");
    churn("a", 100);
    clock.tick(AFTER_GRACE);
    churn("b", 100); // the sweeps here let go of everything idle for longer than the grace

    assertEquals(100, flow.resident(), "only the keys used within the grace period");
    FlowControlService.View v = flow.get("t1", "paused"); // read back from the store
    assertTrue(v.config().paused());
    assertEquals(3, v.config().parallelismMax());
    assertFalse(flow.tryStart("t1", parallelism("paused", 3), clock.millis()));
    assertEquals(201, flow.list("t1", null).size()); // in memory or not, every key is listed
    assertEquals(100, flow.list("t1", "b").size());
    assertThrows(NotFoundException.class, () -> flow.get("t1", "never-declared"));
  }

  @Test
  void aKeyWithAttemptsInFlightOrWaitingIsKeptAndItsLimitHolds() {
    FlowControl one = parallelism("busy", 1);
    publish("busy", one);
    publish("queued", parallelism("queued", 1));
    assertTrue(flow.tryStart("t1", one, clock.millis()));
    flow.waiting("t1", "queued", 1);
    clock.tick(AFTER_GRACE);
    churn("a", 200);

    assertFalse(flow.tryStart("t1", one, clock.millis()), "still one in flight");
    assertEquals(1, flow.get("t1", "busy").parallelismCount());
    assertEquals(1, flow.get("t1", "queued").waitListSize());
    flow.finished("t1", "busy");
    assertTrue(flow.tryStart("t1", one, clock.millis()));
  }

  @Test
  void aKeyIsKeptWhileItsRateWindowHoldsStarts() {
    FlowControl twoPerMinute = new FlowControl("rated", null, 2, 60);
    publish("rated", twoPerMinute);
    assertTrue(flow.tryStart("t1", twoPerMinute, clock.millis()));
    assertTrue(flow.tryStart("t1", twoPerMinute, clock.millis()));
    flow.finished("t1", "rated");
    flow.finished("t1", "rated");
    clock.tick(AFTER_GRACE);
    churn("a", 200);

    assertFalse(flow.tryStart("t1", twoPerMinute, clock.millis()), "two started this minute");
    assertEquals(2, flow.get("t1", "rated").rateCount());
    clock.tick(Duration.ofSeconds(61));
    assertTrue(flow.tryStart("t1", twoPerMinute, clock.millis()));
  }

  @Test
  void keysInMemoryStayBoundedWhateverTheNumberOfKeys() {
    for (int round = 0; round < 20; round++) {
      churn("r" + round + "-", 500);
      clock.tick(AFTER_GRACE);
    }
    // 10,000 keys declared; a sweep comes when the keys in memory have doubled, and it lets go of
    // all but the last grace period's, so at most about twice a round stays.
    assertTrue(flow.resident() <= 2 * 500 + FLOOR, "in memory: " + flow.resident());
    assertEquals(10_000, store.listFlowKeys().size());
  }

  @Test
  void theDispatcherIsWokenOnlyWhenNewLimitsCanReleaseWaitingMessages() {
    AtomicInteger wakes = new AtomicInteger();
    flow.bind(wakes::incrementAndGet);
    publish("k", parallelism("k", 1));
    publish("other", parallelism("other", 1));
    assertEquals(0, wakes.get(), "new keys have nobody waiting");
    publish("k", parallelism("k", 2));
    assertEquals(0, wakes.get(), "raised, but nobody waits at k");
    flow.waiting("t1", "k", 1);
    publish("k", parallelism("k", 2));
    assertEquals(0, wakes.get(), "the same limits again");
    publish("k", parallelism("k", 3));
    assertEquals(1, wakes.get(), "raised with a message waiting");
  }
}
