package dev.postbox.core.testmode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.delivery.Dispatcher;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What flush and advance wait for: due messages, deliveries, queue promotions, schedule ticks. */
class ActivityTest {
  private static final long T0 = 1_700_000_000_000L;

  private final SettableClock clock = new SettableClock();
  private final MessageStore store = new InMemoryMessageStore();
  private final List<Runnable> promotions = new ArrayList<>();
  private final QueueService queues = new QueueService(store, clock, promotions::add);
  private final FlowControlService flow = new FlowControlService(store, clock);
  private final Dispatcher dispatcher =
      TestDispatchers.create(
          store,
          r ->
              CompletableFuture.completedFuture(
                  new DeliveryResponse(200, Map.of(), new byte[0], null)),
          queues,
          flow,
          clock,
          new Dispatcher.Options(10, 10, 10, 100));
  private final PublishService publish =
      new PublishService(store, dispatcher, queues, flow, StorageQuota.unlimited(store, clock));
  private long tickAt = Long.MAX_VALUE;
  private final Activity activity =
      new Activity(
          store,
          dispatcher,
          queues,
          new PendingTicks() {
            @Override
            public long earliest() {
              return tickAt;
            }

            @Override
            public boolean anyDue(String tenant, long upTo) {
              return tickAt <= upTo && (tenant == null || tenant.equals("t1"));
            }
          });

  ActivityTest() {
    clock.set(T0);
  }

  private Message message(long dueAt, String queue) {
    return Message.builder()
        .withTenant("t1")
        .withId(Ids.messageId())
        .withUrl("http://dest.example/x")
        .withBody(new byte[0])
        .withCreatedAt(T0)
        .withNotBefore(dueAt)
        .withDueAt(dueAt)
        .withQueueName(queue)
        .build();
  }

  private void runPromotions() {
    while (!promotions.isEmpty()) {
      promotions.remove(0).run();
    }
  }

  @Test
  void aQueuedMessageIsNotQuietUntilPromotedAndDelivered() {
    publish.accept(List.of(message(T0, "q"))).join();
    assertFalse(activity.quiet("t1", T0), "waiting in its queue with a free slot");
    assertTrue(activity.quiet("t2", T0), "another tenant's queue");
    runPromotions();
    assertFalse(activity.quiet("t1", T0), "due now");
    assertEquals(1, dispatcher.runOnce());
    runPromotions();
    assertTrue(activity.quiet("t1", T0));
    assertTrue(activity.quiet(null, T0));
  }

  @Test
  void aMessageDueLaterIsQuietNowAndIsTheNextDueTime() {
    publish.accept(List.of(message(T0 + 60_000, null))).join();
    assertTrue(activity.quiet("t1", T0));
    assertEquals(T0 + 60_000, activity.nextDueAfter(T0));
    assertFalse(activity.quiet("t1", T0 + 60_000));
    tickAt = T0 + 30_000;
    assertEquals(T0 + 30_000, activity.nextDueAfter(T0));
    assertFalse(activity.quiet("t1", T0 + 30_000), "a schedule tick is due");
    assertTrue(activity.quiet("t2", T0 + 30_000));
  }
}
