package dev.postbox.storage.rocksdb;

import dev.postbox.core.error.StorageException;
import dev.postbox.core.workflow.WorkflowRun;
import java.nio.charset.StandardCharsets;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Builds the index of workflow runs by creation time ({@link WorkflowKeys#byTime}) for the runs a
 * data directory held before the index existed. Every run start written since carries its index
 * entry in the same batch, so this runs once per data directory, on open: it indexes every stored
 * run (in batches of {@link #CHUNK}; indexing a run twice writes the same key) and then records
 * that it is done, so a crash midway only makes the next open start over.
 */
final class WorkflowRunIndex {
  static final int CHUNK = 10_000;
  private static final byte[] BUILT =
      "index/workflow_runs_by_time".getBytes(StandardCharsets.UTF_8);

  private WorkflowRunIndex() {}

  /** Indexes the stored runs unless that was done; returns how many it indexed. */
  static int build(RocksDbStorage s) {
    try {
      if (s.db.get(s.meta, BUILT) != null) {
        return 0;
      }
      int n = 0;
      try (WriteOptions sync = new WriteOptions().setSync(true);
          RocksIterator it = s.db.newIterator(s.workflowRuns)) {
        WriteBatch batch = new WriteBatch();
        try {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            if (WorkflowKeys.kind(it.key()) != WorkflowKeys.START) {
              continue;
            }
            WorkflowRun r = WorkflowCodec.run(it.value());
            batch.put(
                s.workflowRunsByTime,
                WorkflowKeys.byTime(r.tenant(), r.createdAt(), r.id()),
                new byte[0]);
            if (++n % CHUNK == 0) {
              s.db.write(sync, batch);
              batch.close();
              batch = new WriteBatch();
            }
          }
          RocksDbReader.check(it);
          batch.put(s.meta, BUILT, new byte[0]);
          s.db.write(sync, batch);
        } finally {
          batch.close();
        }
      }
      return n;
    } catch (RocksDBException e) {
      throw new StorageException("cannot index workflow runs by creation time", e);
    }
  }
}
