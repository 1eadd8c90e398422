package dev.postbox.core.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.KeepEnded;
import dev.postbox.core.message.Message;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.ExpireRetention;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowRetentionTest {
  private static final long DAY = Duration.ofDays(1).toMillis();

  private final InMemoryMessageStore store = new InMemoryMessageStore();

  private void endedRun(String id, long endedAt) {
    WorkflowRun run =
        new WorkflowRun(
            "t1",
            id,
            "http://app/wf",
            endedAt - 10,
            "msg_" + id,
            0,
            false,
            new RunConfig(0, null, null, null, Map.of(), null),
            null);
    store
        .commit(
            new StoreBatch()
                .putWorkflowRun(run)
                .putHistoryEntry(new HistoryEntry("t1", id, 0, "msg_" + id, new byte[0], null))
                .putWorkflowRunEnd(
                    "t1", id, new RunEnd(WorkflowState.RUN_FAILED, endedAt, null, "x")),
            Durability.SYNC)
        .join();
  }

  private DlqEntry dlqEntryOf(String dlqId, String runId, long failedAt) {
    Message m =
        Message.builder()
            .withTenant("t1")
            .withId("msg_" + dlqId)
            .withUrl("http://app/wf")
            .withHeaders(Map.of("Upstash-Workflow-RunId", List.of(runId)))
            .build();
    DlqEntry e = new DlqEntry(dlqId, m, failedAt, 500, Map.of(), new byte[0], null);
    store.commit(new StoreBatch().putDlq(e), Durability.SYNC).join();
    return e;
  }

  @Test
  void aRunNamedByADlqEntryStaysUntilTheEntryGoes() {
    endedRun("wfr_dlq", 1000);
    endedRun("wfr_done", 1000);
    endedRun("wfr_late", 5000);
    dlqEntryOf("1000-0", "wfr_dlq", 1000);

    assertEquals(1, WorkflowRetention.expire(store, "t1", 2000));
    assertTrue(store.findRun("t1", "wfr_done").isEmpty());
    assertTrue(store.findRun("t1", "wfr_dlq").isPresent());
    assertEquals(1, store.readHistory("t1", "wfr_dlq", Long.MAX_VALUE).size());
    assertTrue(store.findRun("t1", "wfr_late").isPresent());

    store.commit(new StoreBatch().deleteDlq("t1", "1000-0"), Durability.SYNC).join();
    assertEquals(1, WorkflowRetention.expire(store, "t1", 2000));
    assertTrue(store.findRun("t1", "wfr_dlq").isEmpty());
    assertEquals(List.of(), store.readHistory("t1", "wfr_dlq", Long.MAX_VALUE));
  }

  @Test
  void theRetentionPassDropsRunsOlderThanTheLogRetentionAfterTheirDlqEntriesExpire() {
    SettableClock clock = new SettableClock();
    clock.set(10 * DAY);
    endedRun("wfr_old", 2 * DAY);
    endedRun("wfr_new", 9 * DAY);
    dlqEntryOf("1-0", "wfr_old", 2 * DAY);
    Tenant t = new Tenant("t1", "token", new SigningKeys("sig_a", "sig_b"), false);
    new ExpireRetention(
            store, List.of(t), clock, Duration.ofDays(7), Duration.ofDays(7), KeepEnded.OFF)
        .run();
    assertTrue(store.findDlq("t1", "1-0").isEmpty(), "the DLQ entry expired first");
    assertTrue(store.findRun("t1", "wfr_old").isEmpty());
    assertTrue(store.findRun("t1", "wfr_new").isPresent());
  }
}
