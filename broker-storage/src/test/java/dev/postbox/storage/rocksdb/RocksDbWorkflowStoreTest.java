package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.testing.WorkflowStoreContract;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.RunEnd;
import dev.postbox.core.workflow.WorkflowState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbWorkflowStoreTest extends WorkflowStoreContract {
  @TempDir Path dir;

  @Override
  protected MessageStore createStore() {
    return RocksDbMessageStore.open(dir.resolve("db"));
  }

  @Test
  void runsAndHistorySurviveAReopen() {
    store
        .commit(
            new StoreBatch()
                .putWorkflowRun(aRun("t1", "r1"))
                .putHistoryEntry(new HistoryEntry("t1", "r1", 0, "m0", new byte[] {1}, "step"))
                .putWorkflowRunEnd(
                    "t1", "r1", new RunEnd(WorkflowState.RUN_FAILED, 9, null, "boom")),
            Durability.SYNC)
        .join();
    store.close();
    store = createStore();
    assertEquals("boom", store.findRun("t1", "r1").orElseThrow().end().error());
    assertEquals(1, store.nextHistorySeq("t1", "r1"));
  }
}
