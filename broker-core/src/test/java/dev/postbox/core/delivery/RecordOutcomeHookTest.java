package dev.postbox.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.KeepEnded;
import dev.postbox.core.message.Message;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.store.StoreOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@link RecordOutcome} lets a {@link DeliveryHook} do: shape an attempt's callback, add to
 * the outcome's batch (whose new messages wake the dispatcher), and hear whether it was written.
 */
class RecordOutcomeHookTest {
  private static final DeliveryResponse OK = new DeliveryResponse(200, Map.of(), new byte[0], null);

  private static Message withCallback() {
    return Message.builder()
        .withTenant("t1")
        .withId("msg_1")
        .withUrl("http://api/x")
        .withCallback(new CallbackSpec("http://app/cb", "POST", 0, null, null, 0, Map.of()))
        .build();
  }

  private static List<Message> newMessages(StoreBatch b) {
    List<Message> out = new ArrayList<>();
    for (StoreOp op : b.ops()) {
      if (op instanceof StoreOp.PutMessage p) {
        out.add(p.message());
      }
    }
    return out;
  }

  @Test
  void theHookShapesOrDropsTheCallbackAndAddsToTheSameBatch() {
    DeliveryHook relabel =
        new DeliveryHook() {
          @Override
          public Message callback(
              Message source, Message callback, boolean lastAttempt, StoreBatch batch, long now) {
            batch.deleteInFlight(source.ref()); // stands for the hook's own change
            return callback.toBuilder().withLabels(List.of("shaped")).build();
          }
        };
    StoreBatch b =
        new RecordOutcome(new RetryPolicy(), new Ids(), KeepEnded.OFF, relabel)
            .record(withCallback(), OK, 1_000, false)
            .batch();
    List<Message> created = newMessages(b);
    assertEquals(1, created.size());
    assertEquals(List.of("shaped"), created.get(0).labels());
    assertEquals("msg_1", created.get(0).sourceMessageId());

    DeliveryHook drop =
        new DeliveryHook() {
          @Override
          public Message callback(
              Message source, Message callback, boolean lastAttempt, StoreBatch batch, long now) {
            return null;
          }
        };
    StoreBatch none =
        new RecordOutcome(new RetryPolicy(), new Ids(), KeepEnded.OFF, drop)
            .record(withCallback(), OK, 1_000, false)
            .batch();
    assertTrue(newMessages(none).isEmpty());
  }

  @Test
  void aBatchThatIsNeverCommittedIsReportedToTheHook() {
    List<StoreBatch> reported = new ArrayList<>();
    List<Boolean> written = new ArrayList<>();
    List<StoreBatch> seen = new ArrayList<>();
    DeliveryHook failing =
        new DeliveryHook() {
          @Override
          public Message callback(
              Message source, Message callback, boolean lastAttempt, StoreBatch batch, long now) {
            seen.add(batch);
            throw new IllegalStateException("hook failed");
          }

          @Override
          public void recorded(StoreBatch batch, boolean ok) {
            reported.add(batch);
            written.add(ok);
          }
        };
    RecordOutcome record = new RecordOutcome(new RetryPolicy(), new Ids(), KeepEnded.OFF, failing);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> record.record(withCallback(), OK, 1_000, false));
    assertEquals("hook failed", e.getMessage());
    assertEquals(1, reported.size());
    assertSame(seen.get(0), reported.get(0));
    assertEquals(List.of(false), written);
  }

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
