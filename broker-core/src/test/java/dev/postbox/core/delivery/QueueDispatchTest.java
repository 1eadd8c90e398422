package dev.postbox.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StorageQuota;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import dev.postbox.core.testing.TestDispatchers;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Queues (docs/api.md#queues) with the dispatcher: FIFO slots, pause, cancel and restart, one pass
 * at a time.
 */
class QueueDispatchTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String URL = "http://dest.example/";

  private final SettableClock clock = new SettableClock();
  private final MessageStore store = new InMemoryMessageStore();
  private final ScriptedDeliverer deliverer = new ScriptedDeliverer();
  private QueueService queues;
  private FlowControlService flow;
  private Dispatcher dispatcher;
  private PublishService publish;

  @BeforeEach
  void setUp() {
    clock.set(T0);
    start(deliverer);
  }

  /** A broker on {@link #store}: what a restart builds. */
  private void start(Deliverer d) {
    queues = TestDispatchers.queues(store, clock);
    flow = new FlowControlService(store, clock);
    dispatcher =
        TestDispatchers.create(
            store, d, queues, flow, clock, new Dispatcher.Options(100, 10, 100, 1000));
    publish =
        new PublishService(store, dispatcher, queues, flow, StorageQuota.unlimited(store, clock));
    dispatcher.recover();
    queues.recover();
  }

  private Message enqueue(String queue, String path) {
    Message m =
        Message.builder()
            .withTenant("t1")
            .withId(Ids.messageId())
            .withUrl(URL + path)
            .withQueueName(queue)
            .withRetryDelayExpression("1000")
            .withCreatedAt(clock.millis())
            .withNotBefore(clock.millis())
            .withDueAt(clock.millis())
            .build();
    publish.accept(List.of(m)).join();
    return m;
  }

  private long lag(String queue) {
    return queues.get("t1", queue).lag();
  }

  @Test
  void parallelismOneWaitsThroughRetriesAndKeepsOrder() {
    deliverer.answer(URL + "a", ScriptedDeliverer.status(500));
    enqueue("q", "a");
    enqueue("q", "b");
    assertEquals(1, queues.get("t1", "q").queue().parallelism(), "created with parallelism 1");
    assertEquals(1, dispatcher.runOnce()); // a fails, its retry is due in 1 s
    assertEquals(0, dispatcher.runOnce(), "b waits while a waits for its retry");
    assertEquals(2, lag("q"));
    clock.set(T0 + 1_000);
    assertEquals(1, dispatcher.runOnce()); // a delivered, b promoted
    assertEquals(1, dispatcher.runOnce());
    assertEquals(List.of(URL + "a", URL + "a", URL + "b"), deliverer.urls());
    assertEquals(0, lag("q"));
  }

  @Test
  void parallelismNStartsNAndAPausedQueueStartsNone() {
    queues.upsert("t1", "q", 2, true);
    for (String p : List.of("a", "b", "c")) {
      enqueue("q", p);
    }
    deliverer.hold = true;
    assertEquals(0, dispatcher.runOnce());
    assertEquals(3, lag("q"));
    queues.resume("t1", "q");
    assertEquals(2, dispatcher.runOnce());
    assertEquals(List.of(URL + "a", URL + "b"), deliverer.urls());
    deliverer.held.get(0).complete(ScriptedDeliverer.status(200));
    assertEquals(1, dispatcher.runOnce());
    assertEquals(URL + "c", deliverer.urls().get(2));
  }

  @Test
  void cancellingAWaitingOrActiveMessageFreesItsPlace() {
    Message a = enqueue("q", "a");
    Message b = enqueue("q", "b");
    enqueue("q", "c");
    assertTrue(dispatcher.cancel(b.ref()).join());
    assertEquals(2, lag("q"));
    assertTrue(dispatcher.cancel(a.ref()).join()); // active (due), not yet in flight
    assertEquals(1, lag("q"));
    assertEquals(1, dispatcher.runOnce());
    assertEquals(List.of(URL + "c"), deliverer.urls());
    assertEquals(0, lag("q"));
  }

  @Test
  void aRestartResumesFromTheEarliestUndeliveredMessage() {
    queues.upsert("t1", "q", 1, false);
    for (String p : List.of("a", "b", "c")) {
      enqueue("q", p);
    }
    deliverer.hold = true;
    assertEquals(1, dispatcher.runOnce()); // a in flight when the broker "dies"

    ScriptedDeliverer after = new ScriptedDeliverer();
    start(after);
    assertEquals(3, lag("q"));
    assertEquals(1, dispatcher.runOnce());
    assertEquals(1, dispatcher.runOnce());
    assertEquals(1, dispatcher.runOnce());
    assertEquals(List.of(URL + "a", URL + "b", URL + "c"), after.urls());
    assertEquals(0, lag("q"));
  }
}
