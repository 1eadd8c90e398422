package dev.postbox.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postbox.core.message.Ids;
import dev.postbox.core.message.KeepEnded;
import dev.postbox.core.message.Message;
import dev.postbox.core.store.StoreBatch;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A message a delivery hook adds to an outcome wakes the dispatcher like any other. */
class RecordOutcomeHookTest {
  private static Message message(String id, long due) {
    return Message.builder().withTenant("t").withId(id).withUrl("http://x").withDueAt(due).build();
  }

  @Test
  void theDueTimeOfAMessageAddedByTheHookIsReported() {
    DeliveryHook hook =
        new DeliveryHook() {
          @Override
          public void afterOutcome(
              Message m, DeliveryResponse r, Outcome outcome, StoreBatch batch, long now) {
            batch.putNewMessage(message("msg_added_" + outcome, now + 5));
          }
        };
    RecordOutcome record = new RecordOutcome(new RetryPolicy(), new Ids(), KeepEnded.OFF, hook);
    Message m = message("msg_1", 0).toBuilder().withMaxRetries(0).build();
    RecordOutcome.Changes delivered =
        record.record(m, new DeliveryResponse(200, Map.of(), new byte[0], null), 100, false);
    assertEquals(105, delivered.earliestNewDue());
    RecordOutcome.Changes failed =
        record.record(
            m, new DeliveryResponse(500, Map.of("x", List.of("y")), new byte[0], null), 200, false);
    assertEquals(205, failed.earliestNewDue());
  }
}
