package dev.postbox.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.KeepEnded;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.store.DueRef;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import dev.postbox.core.testing.TestDispatchers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gates on their own: parking, passing by when full, and handing messages back in order. */
class WaitingGatesTest {
  private final SettableClock clock = new SettableClock();
  private final MessageStore store = new InMemoryMessageStore();
  private final FlowControlService flow = new FlowControlService(store, clock);
  private final InFlight inFlight =
      new InFlight(
          store,
          TestDispatchers.queues(store, clock),
          flow,
          new RecordOutcome(new RetryPolicy(), new Ids(), KeepEnded.OFF, DeliveryHook.NONE));
  private final List<DueRef> admitted = new ArrayList<>();
  private Admission answer = Admission.STARTED;
  private final WaitingGates gates =
      new WaitingGates(
          store,
          flow,
          inFlight,
          new Wakeup(clock),
          (d, m, now, batch, started) -> {
            admitted.add(d);
            return answer;
          });

  private DueRef due(long at, String host) {
    return new DueRef(at, new MessageRef("t1", Ids.messageId()), host);
  }

  private DueRef stored(long at, String host) {
    Message m =
        Message.builder()
            .withTenant("t1")
            .withId(Ids.messageId())
            .withUrl("http://" + host + "/x")
            .withCreatedAt(at)
            .withNotBefore(at)
            .withDueAt(at)
            .build();
    store.commit(new StoreBatch().putMessage(m), Durability.SYNC).join();
    return new DueRef(at, m.ref(), host);
  }

  @Test
  void aFullGatePassesMessagesByWithoutHoldingUpOtherGates() {
    for (int i = 0; i < WaitingGates.MAX_PARKED_PER_GATE; i++) {
      assertEquals(Admission.PARKED, gates.parkAtHost("a", due(i, "a")));
    }
    DueRef passedBy = due(WaitingGates.MAX_PARKED_PER_GATE, "a");
    assertEquals(Admission.SKIPPED, gates.parkAtHost("a", passedBy));
    assertFalse(gates.isWaiting(passedBy.ref()));
    assertEquals(Admission.PARKED, gates.parkAtHost("b", due(0, "b")));
  }

  @Test
  void openGatesHandTheirMessagesBackOldestFirstAndDrainedGatesAreForgotten() {
    DueRef first = stored(1, "a");
    DueRef second = stored(2, "a");
    gates.parkAtHost("a", first);
    gates.parkAtHost("a", second);
    assertTrue(gates.isWaiting(first.ref()));

    int free = gates.startWaiting(10, clock.millis(), 1, new StoreBatch(), new ArrayList<>());

    assertEquals(8, free);
    assertEquals(List.of(first, second), admitted);
    assertFalse(gates.isWaiting(first.ref()));
    assertFalse(gates.isWaiting(second.ref()));
    assertEquals(
        10, gates.startWaiting(10, clock.millis(), 1, new StoreBatch(), new ArrayList<>()));
  }

  @Test
  void aGateStopsForThisPassWhenItsMessageWaitsAgain() {
    gates.parkAtHost("a", stored(1, "a"));
    gates.parkAtHost("a", stored(2, "a"));
    answer = Admission.PARKED;

    gates.startWaiting(10, clock.millis(), 1, new StoreBatch(), new ArrayList<>());

    assertEquals(1, admitted.size());
  }
}
