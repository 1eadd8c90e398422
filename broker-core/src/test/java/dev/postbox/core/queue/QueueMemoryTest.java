package dev.postbox.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A deleted queue's state in memory goes once none of its messages is active any more. */
class QueueMemoryTest {
  private final SettableClock clock = new SettableClock();
  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private final QueueService queues = new QueueService(store, clock, Runnable::run);

  @Test
  void deletingAnIdleQueueLetsItsStateGoAndTheNameCanBeUsedAgain() {
    int before = queues.statesHeld();
    queues.upsert("t1", "q", 2, false);
    queues.delete("t1", "q");
    assertEquals(before, queues.statesHeld());
    assertThrows(NotFoundException.class, () -> queues.get("t1", "q"));

    queues.upsert("t1", "q", 3, false);
    assertEquals(3, queues.get("t1", "q").queue().parallelism());
    enqueue("q"); // active at once: one of three slots is free
    enqueue("q");
    assertEquals(2, queues.get("t1", "q").lag());
    assertEquals(before + 1, queues.statesHeld());
  }

  @Test
  void aQueueDeletedWhileAMessageIsActiveLetsItsStateGoWhenThatMessageEnds() {
    int before = queues.statesHeld();
    queues.upsert("t1", "q", 1, false);
    Message active = enqueue("q"); // promoted: holds the only slot
    enqueue("q"); // waits
    assertEquals(2, queues.get("t1", "q").lag());

    queues.delete("t1", "q"); // cancels the waiting one; the active one goes on
    assertEquals(before + 1, queues.statesHeld());

    StoreBatch outcome = new StoreBatch().finishMessage(active, true);
    store.commit(outcome, Durability.SYNC).join();
    queues.committed(outcome);
    assertEquals(before, queues.statesHeld());

    enqueue("q"); // makes the queue anew, with parallelism 1
    assertEquals(1, queues.get("t1", "q").lag());
    assertEquals(1, queues.list("t1").size());
  }

  @Test
  void cancellingAMessageOfADeletedQueueLeavesNoStateBehind() {
    int before = queues.statesHeld();
    queues.upsert("t1", "q", 1, false);
    Message active = enqueue("q");
    queues.delete("t1", "q");

    StoreBatch cancel = new StoreBatch();
    queues.onCancel(active, cancel); // gives back the slot it holds
    cancel.cancelMessage(active, clock.millis());
    store.commit(cancel, Durability.SYNC).join();
    queues.committed(cancel);
    assertEquals(before, queues.statesHeld());
  }

  /** Enqueues a message as a publish does, and returns it. */
  private Message enqueue(String queue) {
    Message m =
        Message.builder()
            .withTenant("t1")
            .withId(Ids.messageId())
            .withUrl("http://dest.example/")
            .withQueueName(queue)
            .withCreatedAt(clock.millis())
            .build();
    StoreBatch b = new StoreBatch();
    queues.prepare(List.of(m), b);
    b.putNewMessage(m);
    store.commit(b, Durability.SYNC).join();
    queues.committed(b);
    return m;
  }
}
