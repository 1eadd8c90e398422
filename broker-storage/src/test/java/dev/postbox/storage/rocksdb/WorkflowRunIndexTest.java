package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.postbox.core.store.Durability;
import dev.postbox.core.store.Page;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.workflow.RunConfig;
import dev.postbox.core.workflow.RunEnd;
import dev.postbox.core.workflow.RunListing;
import dev.postbox.core.workflow.WorkflowRun;
import dev.postbox.core.workflow.WorkflowState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowRunIndexTest {
  @TempDir Path dir;

  private static WorkflowRun run(String id, long createdAt) {
    RunConfig c = new RunConfig(0, null, null, null, Map.of(), null);
    return new WorkflowRun("t1", id, "http://app/wf", createdAt, "m", 0, false, c, null);
  }

  @Test
  void runsStoredBeforeTheIndexAreIndexedOnOpenOnce() throws Exception {
    Path db = dir.resolve("db");
    try (RocksDbStorage s = new RocksDbStorage(db)) {
      // As an older version wrote them: start records only, no index, no marker.
      for (int i = 0; i < WorkflowRunIndex.CHUNK + 2; i++) {
        WorkflowRun r = run(String.format("r%05d", i), 1000 + i);
        s.db.put(
            s.workflowRuns,
            WorkflowKeys.run("t1", r.id(), WorkflowKeys.START),
            WorkflowCodec.run(r));
      }
    }
    try (RocksDbMessageStore store = RocksDbMessageStore.open(db)) {
      Page<WorkflowRun> newest =
          store.listRuns("t1", new RunListing(null, 0, Long.MAX_VALUE, 2, 2), r -> true);
      assertEquals(
          List.of("r10001", "r10000"), newest.items().stream().map(WorkflowRun::id).toList());
    }
    try (RocksDbStorage s = new RocksDbStorage(db)) {
      assertEquals(0, WorkflowRunIndex.build(s), "done once");
    }
  }

  @Test
  void anExpiredRunLeavesTheIndexToo() throws Exception {
    Path db = dir.resolve("db");
    try (RocksDbMessageStore store = RocksDbMessageStore.open(db)) {
      store
          .commit(
              new StoreBatch()
                  .putWorkflowRun(run("gone", 1000))
                  .putWorkflowRun(run("stays", 2000))
                  .putWorkflowRunEnd(
                      "t1", "gone", new RunEnd(WorkflowState.RUN_SUCCESS, 1500, null, null)),
              Durability.SYNC)
          .join();
      assertEquals(1, store.expireRuns("t1", 2000, id -> false));
    }
    try (RocksDbStorage s = new RocksDbStorage(db)) {
      assertNull(s.db.get(s.workflowRunsByTime, WorkflowKeys.byTime("t1", 1000, "gone")));
      assertNotNull(s.db.get(s.workflowRunsByTime, WorkflowKeys.byTime("t1", 2000, "stays")));
    }
  }
}
