package dev.postbox.core.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.metrics.BrokerMetrics;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.ExpireRetention;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import dev.postbox.core.testing.TestDispatchers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Reading messages after they ended, within {@code --keep-ended} and after it (a set clock). */
class MessageServiceTest {
  private static final Duration WINDOW = Duration.ofMinutes(1);

  private final SettableClock clock = new SettableClock();
  private final InMemoryMessageStore store = new InMemoryMessageStore();

  {
    clock.set(1_000_000);
  }

  /** A service whose dispatcher answers 500 to {@code /fails} and 200 to everything else. */
  private MessageService service(KeepEnded keepEnded, Dispatcher[] dispatcher) {
    Dispatcher d =
        TestDispatchers.create(
            store,
            r ->
                CompletableFuture.completedFuture(
                    new DeliveryResponse(
                        r.url().endsWith("/fails") ? 500 : 200, Map.of(), new byte[0], null)),
            TestDispatchers.queues(store, clock),
            new FlowControlService(store, clock),
            clock,
            new Dispatcher.Options(10, 10, 10, 100),
            keepEnded,
            BrokerMetrics.NONE);
    dispatcher[0] = d;
    return new MessageService(store, d, clock, keepEnded);
  }

  private Message publish(String id, String path, long delayMillis) {
    long now = clock.millis();
    Message m =
        Message.builder()
            .withTenant("t1")
            .withId(id)
            .withUrl("http://127.0.0.1:9" + path)
            .withBody(("body of " + id).getBytes())
            .withMaxRetries(0)
            .withCreatedAt(now)
            .withNotBefore(now + delayMillis)
            .withDueAt(now + delayMillis)
            .build();
    store.commit(new StoreBatch().putNewMessage(m), Durability.SYNC).join();
    return m;
  }

  private static void assertNotFound(Runnable r) {
    assertThrows(NotFoundException.class, r::run);
  }

  @Test
  void aDeliveredMessageIsReadableWithinTheWindowAndNotAfter() {
    Dispatcher[] d = new Dispatcher[1];
    MessageService messages = service(new KeepEnded(WINDOW), d);
    Message m = publish("msg_1", "/ok", 0);
    assertEquals(1, d[0].runOnce());
    assertTrue(store.findMessage(m.ref()).isEmpty(), "delivered: no longer pending");

    Message read = messages.get("t1", "msg_1");
    assertEquals(m.url(), read.url());
    assertArrayEquals(m.body(), read.body());
    assertEquals(m.createdAt(), read.createdAt());
    assertEquals(MessageState.DELIVERED, store.findEnded(m.ref()).orElseThrow().state());
    assertNotFound(() -> messages.get("t2", "msg_1"));

    clock.tick(WINDOW.minusMillis(1));
    assertEquals("msg_1", messages.get("t1", "msg_1").id());
    clock.tick(Duration.ofMillis(1));
    assertNotFound(() -> messages.get("t1", "msg_1"));

    // The retention pass then deletes the record.
    Tenant t1 = new Tenant("t1", "token", new SigningKeys("a", "b"), false);
    Duration week = Duration.ofDays(7);
    new ExpireRetention(store, List.of(t1), clock, week, week, new KeepEnded(WINDOW)).run();
    assertTrue(store.findEnded(m.ref()).isEmpty());
  }

  @Test
  void withTheWindowAtZeroAnEndedMessageIsGoneAtOnce() {
    Dispatcher[] d = new Dispatcher[1];
    MessageService messages = service(KeepEnded.OFF, d);
    Message m = publish("msg_1", "/ok", 0);
    assertEquals(1, d[0].runOnce());
    assertNotFound(() -> messages.get("t1", "msg_1"));
    assertTrue(store.findEnded(m.ref()).isEmpty(), "nothing is written");
  }

  @Test
  void aFailedMessageIsReadableButACancelledOneIsGoneAtOnce() {
    Dispatcher[] d = new Dispatcher[1];
    MessageService messages = service(new KeepEnded(WINDOW), d);
    Message failed = publish("msg_failed", "/fails", 0);
    Message later = publish("msg_later", "/ok", 60_000);
    assertEquals(1, d[0].runOnce());
    assertEquals(MessageState.FAILED, store.findEnded(failed.ref()).orElseThrow().state());
    assertEquals(failed.url(), messages.get("t1", "msg_failed").url());

    messages.cancel("t1", "msg_later").join();
    assertTrue(store.findMessage(later.ref()).isEmpty());
    assertNotFound(() -> messages.get("t1", "msg_later"));
    assertTrue(store.findEnded(later.ref()).isEmpty(), "a cancelled message is not kept");

    for (String id : List.of("msg_later", "msg_failed")) {
      CompletionException e =
          assertThrows(CompletionException.class, () -> messages.cancel("t1", id).join());
      assertInstanceOf(NotFoundException.class, e.getCause(), "an ended message is not pending");
    }
  }
}
