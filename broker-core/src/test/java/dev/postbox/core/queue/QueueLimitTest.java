package dev.postbox.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-tenant queue limit, and no memory kept for names that are not queues. */
class QueueLimitTest {
  private final SettableClock clock = new SettableClock();
  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private final QueueService queues = new QueueService(store, clock, Runnable::run, 2);

  @Test
  void creatingMoreThanTheLimitIsRefusedAndAnEnqueueBatchCreatesNothing() {
    queues.upsert("t1", "a", 1, false);
    queues.upsert("t1", "b", 1, false);
    queues.upsert("t2", "a", 1, false); // another tenant has its own count
    BrokerException e =
        assertThrows(BrokerException.class, () -> queues.upsert("t1", "c", 1, false));
    assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());

    queues.delete("t1", "b");
    StoreBatch batch = new StoreBatch();
    e =
        assertThrows(
            BrokerException.class,
            () -> queues.prepare(List.of(enqueue("a"), enqueue("x"), enqueue("y")), batch));
    assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
    assertThrows(NotFoundException.class, () -> queues.get("t1", "x")); // made, then taken back
    queues.upsert("t1", "y", 1, false); // so the room it took is free again
    assertEquals(2, queues.list("t1").size());
    queues.upsert("t1", "a", 5, false); // an update is not a new queue
  }

  @Test
  void namesThatAreNotQueuesLeaveNothingInMemory() {
    for (int i = 0; i < 1000; i++) {
      String name = "nope-" + i;
      assertThrows(NotFoundException.class, () -> queues.get("t1", name));
      assertThrows(NotFoundException.class, () -> queues.pause("t1", name));
      assertThrows(NotFoundException.class, () -> queues.resume("t1", name));
      queues.delete("t1", name); // an unknown queue is not an error
    }
    assertEquals(0, queues.statesHeld());
  }

  private Message enqueue(String queue) {
    return Message.builder()
        .withTenant("t1")
        .withId(Ids.messageId())
        .withUrl("http://dest.example/")
        .withQueueName(queue)
        .withCreatedAt(clock.millis())
        .build();
  }
}
