package dev.postbox.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StorageQuota;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import dev.postbox.core.testing.TestDispatchers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flow control (docs/api.md#flow-control) in the dispatcher: parallelism, rate windows, waitlists,
 * no starvation.
 */
class FlowDispatchTest {
  private static final long T0 = 1_700_000_000_000L;

  private final SettableClock clock = new SettableClock();
  private final MessageStore store = new InMemoryMessageStore();
  private final ScriptedDeliverer deliverer = new ScriptedDeliverer();
  private FlowControlService flow;
  private Dispatcher dispatcher;
  private PublishService publish;

  @BeforeEach
  void setUp() {
    clock.set(T0);
    QueueService queues = TestDispatchers.queues(store, clock);
    flow = new FlowControlService(store, clock);
    dispatcher =
        TestDispatchers.create(
            store, deliverer, queues, flow, clock, new Dispatcher.Options(100, 100, 100, 1000));
    publish =
        new PublishService(store, dispatcher, queues, flow, StorageQuota.unlimited(store, clock));
  }

  private Message message(String url, FlowControl fc) {
    return Message.builder()
        .withTenant("t1")
        .withId(Ids.messageId())
        .withUrl(url)
        .withFlowControl(fc)
        .withCreatedAt(clock.millis())
        .withNotBefore(clock.millis())
        .withDueAt(clock.millis())
        .build();
  }

  private void publish(List<Message> messages) {
    publish.accept(messages).join();
  }

  @Test
  void parallelismCountsInFlightAcrossDestinations() {
    FlowControl fc = new FlowControl("k", 2, null, 1);
    publish(
        List.of(message("http://a/1", fc), message("http://b/2", fc), message("http://c/3", fc)));
    deliverer.hold = true;
    assertEquals(2, dispatcher.runOnce());
    assertEquals(1, flow.get("t1", "k").waitListSize());
    assertEquals(2, flow.get("t1", "k").parallelismCount());
    deliverer.held.get(0).complete(ScriptedDeliverer.status(500)); // a retry is a new activation
    assertEquals(1, dispatcher.runOnce());
    assertEquals(0, flow.get("t1", "k").waitListSize());
  }

  @Test
  void rateAllowsNStartsPerPeriod() {
    FlowControl fc = new FlowControl("k", null, 2, 10);
    List<Message> ms = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ms.add(message("http://a/" + i, fc));
    }
    publish(ms);
    assertEquals(2, dispatcher.runOnce());
    assertEquals(0, dispatcher.runOnce());
    clock.set(T0 + 9_999);
    assertEquals(0, dispatcher.runOnce());
    clock.set(T0 + 10_000);
    assertEquals(2, dispatcher.runOnce());
    flow.resetRate("t1", "k");
    assertEquals(1, dispatcher.runOnce());
    assertEquals(5, deliverer.requests.size());
  }

  @Test
  void aFullWaitlistDoesNotHoldUpOtherMessagesAndIsReadAgainLater() {
    FlowControl fc = new FlowControl("busy", 1, null, 1);
    int n = WaitingGates.MAX_PARKED_PER_GATE + 500;
    List<Message> ms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ms.add(message("http://a/" + i, fc));
    }
    publish(ms);
    flow.pause("t1", "busy");
    clock.set(T0 + 1);
    publish(List.of(message("http://other/x", null)));
    for (int i = 0; i < 200 && deliverer.requests.isEmpty(); i++) {
      dispatcher.runOnce();
    }
    assertEquals(List.of("http://other/x"), deliverer.urls(), "the unrelated message was not held");
    assertEquals(n, flow.get("t1", "busy").waitListSize());

    flow.resume("t1", "busy");
    for (int i = 0; i < 5 * n && deliverer.requests.size() < n + 1; i++) {
      dispatcher.runOnce();
    }
    assertEquals(n + 1, deliverer.requests.size(), "every waiting message was delivered");
    assertEquals(0, flow.get("t1", "busy").waitListSize());
    assertTrue(store.scanDue(null, Long.MAX_VALUE, 10).isEmpty());
  }

  @Test
  void aHostWithMoreDueMessagesThanItsWaitingQueueHoldsGetsThemAll() {
    dispatcher =
        TestDispatchers.create(
            store,
            deliverer,
            TestDispatchers.queues(store, clock),
            flow,
            clock,
            new Dispatcher.Options(100, 2, 100, 1000));
    int n = WaitingGates.MAX_PARKED_PER_GATE + 2_500;
    List<Message> ms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ms.add(message("http://one-host/" + i, null));
    }
    publish(ms);
    deliverer.hold = true;
    int completed = 0;
    for (int pass = 0; pass < 20 * n && completed < n; pass++) {
      dispatcher.runOnce();
      // Deliveries end a little later, as they do over a network.
      List<CompletableFuture<DeliveryResponse>> held = new ArrayList<>(deliverer.held);
      deliverer.held.clear();
      for (var f : held) {
        f.complete(ScriptedDeliverer.status(200));
        completed++;
      }
    }
    assertEquals(n, completed, "every message delivered");
    assertTrue(store.scanDue(null, Long.MAX_VALUE, 10).isEmpty());
  }
}
