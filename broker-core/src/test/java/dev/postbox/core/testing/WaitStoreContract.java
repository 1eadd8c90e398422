package dev.postbox.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.WaitEvent;
import dev.postbox.core.workflow.WaitStep;
import dev.postbox.core.workflow.Waiter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link MessageStore} must do with the waiters and kept events of workflow runs. */
public abstract class WaitStoreContract {
  protected MessageStore store;

  protected abstract MessageStore createStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = createStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  protected static Waiter aWaiter(String tenant, String run, String event, int stepId) {
    return new Waiter(
        tenant,
        run,
        event,
        new WaitStep(stepId, "wait", "Wait", 1, stepId == 3 ? 7 : null, "2s"),
        1_000,
        3_000,
        "http://app/wf",
        Map.of("Upstash-Workflow-RunId", List.of(run), "Upstash-Retries", List.of("2")),
        "http://app/wf-timeout",
        stepId == 3 ? null : "tb".getBytes(StandardCharsets.UTF_8),
        Map.of("Upstash-Workflow-Runid", List.of(run), "X-Two", List.of("a", "b")));
  }

  protected static WaitEvent anEvent(String tenant, String run, String event, String data) {
    return new WaitEvent(tenant, run, event, data.getBytes(StandardCharsets.UTF_8), 5_000);
  }

  protected void commit(StoreBatch b) {
    store.commit(b, Durability.SYNC).join();
  }

  @Test
  void waitersAreStoredAndReadBackWithEveryField() {
    commit(new StoreBatch().putWaiter(aWaiter("t1", "r1", "e1", 1)));
    commit(new StoreBatch().putWaiter(aWaiter("t2", "r1", "e1", 3)));
    List<Waiter> all = store.waiters();
    assertEquals(2, all.size());
    assertTrue(all.contains(aWaiter("t1", "r1", "e1", 1)), all.toString());
    assertTrue(all.contains(aWaiter("t2", "r1", "e1", 3)), "per tenant, null fields kept");
  }

  @Test
  void aWaiterOfTheSameRunEventAndStepReplacesTheOldOne() {
    Waiter first = aWaiter("t1", "r1", "e1", 1);
    commit(new StoreBatch().putWaiter(first));
    commit(new StoreBatch().putWaiter(aWaiter("t1", "r1", "e1", 2)));
    Waiter again =
        new Waiter(
            "t1",
            "r1",
            "e1",
            first.step(),
            9,
            99,
            first.url(),
            first.headers(),
            first.timeoutUrl(),
            null,
            first.timeoutHeaders());
    commit(new StoreBatch().putWaiter(again));
    assertEquals(2, store.waiters().size());
    assertTrue(store.waiters().contains(again));
  }

  @Test
  void wakingDeletesTheWaiterAndAppendsTheStepInOneWrite() {
    Waiter w = aWaiter("t1", "r1", "e1", 1);
    commit(new StoreBatch().putWaiter(w).putWaiter(aWaiter("t1", "r1", "e2", 1)));
    Message m = Message.builder().withTenant("t1").withId("msg_w").withUrl(w.url()).build();
    commit(
        new StoreBatch()
            .deleteWaiter(w)
            .putHistoryEntry(new HistoryEntry("t1", "r1", 1, "msg_w", new byte[] {1}, "step"))
            .putNewMessage(m));
    assertEquals(List.of(aWaiter("t1", "r1", "e2", 1)), store.waiters());
    assertTrue(store.findMessage(new MessageRef("t1", "msg_w")).isPresent());
    assertEquals(2, store.nextHistorySeq("t1", "r1"));
  }

  @Test
  void keptEventsAreOnePerRunAndEventAndCanBeDeleted() {
    commit(new StoreBatch().putWaitEvent(anEvent("t1", "r1", "e1", "old")));
    commit(new StoreBatch().putWaitEvent(anEvent("t1", "r1", "e1", "new")));
    commit(new StoreBatch().putWaitEvent(anEvent("t1", "r2", "e1", "other run")));
    commit(new StoreBatch().putWaitEvent(anEvent("t2", "r1", "e1", "other tenant")));
    assertEquals(3, store.waitEvents().size());
    assertTrue(store.waitEvents().contains(anEvent("t1", "r1", "e1", "new")));
    commit(new StoreBatch().deleteWaitEvent(anEvent("t1", "r1", "e1", "new")));
    commit(new StoreBatch().deleteWaitEvent(anEvent("t2", "r1", "e1", "")));
    assertEquals(List.of(anEvent("t1", "r2", "e1", "other run")), store.waitEvents());
  }

  @Test
  void deletingWhatIsNotThereChangesNothing() {
    commit(new StoreBatch().putWaiter(aWaiter("t1", "r1", "e1", 1)));
    commit(
        new StoreBatch()
            .deleteWaiter(aWaiter("t1", "r1", "e1", 2))
            .deleteWaiter(aWaiter("t1", "r11", "e1", 1))
            .deleteWaitEvent(anEvent("t1", "r1", "e1", "")));
    assertEquals(List.of(aWaiter("t1", "r1", "e1", 1)), store.waiters());
  }
}
