package dev.postbox.storage.rocksdb;

import static dev.postbox.storage.rocksdb.RocksDbReader.check;

import dev.postbox.core.error.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Retention and space: deletes logs (with their {@link LogIndex} entries), bodies stored apart, DLQ
 * entries, deduplication records, ended-message records and ended workflow runs whose time has
 * passed, and measures and reclaims the space the database takes.
 */
final class Housekeeping {
  private static final int EXPIRY_CHUNK = 1000;

  private final RocksDbReader reader;
  private final RocksDbStorage storage;
  private final GroupCommitter committer;

  Housekeeping(RocksDbReader reader, GroupCommitter committer) {
    this.reader = reader;
    this.storage = reader.storage;
    this.committer = committer;
  }

  void expireLogs(String tenant, long before) {
    expireBodies(tenant, before);
    LogIndex.expire(storage, tenant, before);
  }

  /**
   * Deletes the bodies stored apart of messages created before {@code before} (whose CREATED log
   * entries go in the same pass) that have no record left, pending or ended. A message still
   * pending, or ended but still kept, keeps its body; a later pass deletes it once the message is
   * finished and its ended record expired.
   */
  private void expireBodies(String tenant, long before) {
    if (before <= 0) {
      return;
    }
    List<GroupCommitter.Mutation> deletes = new ArrayList<>();
    try (Slice upper = new Slice(Keys.body(tenant, before, ""));
        ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = storage.db.newIterator(storage.bodies, ro)) {
      for (it.seek(Keys.body(tenant, 0, "")); it.isValid(); it.next()) {
        byte[] key = it.key();
        byte[] owner = Keys.message(tenant, Keys.bodyId(tenant, key));
        if (reader.get(storage.messages, owner) == null
            && reader.get(storage.ended, owner) == null) {
          deletes.add(GroupCommitter.Mutation.delete(storage.bodies, key));
        }
        if (deletes.size() == EXPIRY_CHUNK) {
          committer.submit(deletes, false).join();
          deletes = new ArrayList<>();
        }
      }
      check(it);
    }
    if (!deletes.isEmpty()) {
      committer.submit(deletes, false).join();
    }
  }

  void expireDlq(String tenant, long before) {
    deleteOlder(storage.dlq, tenant, before);
  }

  /**
   * Walks the tenant's ended-message index up to {@code before}: deletes each ended record that
   * ended before it (a message ended again since has a later time and stays), then the walked index
   * range.
   */
  int expireEnded(String tenant, long before) {
    return expireIndexed(
        storage.endedExpiry,
        storage.ended,
        Keys.endedExpiry(tenant, 0, ""),
        Keys.endedExpiry(tenant, before, ""),
        k -> Keys.message(tenant, Keys.endedIdOf(tenant, k)),
        v -> EndedCodec.endedAt(v) < before);
  }

  /**
   * Walks the tenant's expiry index up to {@code now}: deletes each record whose window has ended
   * (a record re-used since has a later expiry and stays), then the walked index range.
   */
  int expireDedup(String tenant, long now) {
    return expireIndexed(
        storage.dedupExpiry,
        storage.dedup,
        Keys.dedupExpiry(tenant, 0, ""),
        Keys.dedupExpiry(tenant, now, ""),
        k -> Keys.message(tenant, Keys.dedupIdOf(tenant, k)),
        v -> DedupCodec.decode(v).expiresAt() <= now);
  }

  /**
   * Walks the time index {@code index} over {@code [from, to)}: deletes the record (in {@code
   * records}, under {@code recordKey} of the index key) of each entry that is still there and
   * {@code expired}, then the walked index range, in one write. Returns how many records went.
   */
  private int expireIndexed(
      ColumnFamilyHandle index,
      ColumnFamilyHandle records,
      byte[] from,
      byte[] to,
      UnaryOperator<byte[]> recordKey,
      Predicate<byte[]> expired) {
    int n = 0;
    try (Slice upper = new Slice(to);
        ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = storage.db.newIterator(index, ro);
        WriteBatch batch = new WriteBatch();
        WriteOptions wo = new WriteOptions()) {
      for (it.seek(from); it.isValid(); it.next()) {
        byte[] key = recordKey.apply(it.key());
        byte[] v = storage.db.get(records, key);
        if (v != null && expired.test(v)) {
          batch.delete(records, key);
          n++;
        }
      }
      check(it);
      batch.deleteRange(index, from, to);
      storage.db.write(wo, batch);
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB expiry failed", e);
    }
    return n;
  }

  private void deleteOlder(ColumnFamilyHandle cf, String tenant, long before) {
    if (before <= 0) {
      return;
    }
    try {
      storage.db.deleteRange(cf, Keys.timeSeq(tenant, 0, 0), Keys.timeSeq(tenant, before, 0));
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB range delete failed", e);
    }
  }

  /**
   * Walks the tenant's run records: each run whose end record says it ended before {@code
   * endedBefore}, and that {@code keep} does not keep, goes with its start record and its history,
   * in writes of up to {@link #EXPIRY_CHUNK} runs. Returns how many went.
   */
  int expireRuns(String tenant, long endedBefore, Predicate<String> keep) {
    if (endedBefore <= 0) {
      return 0;
    }
    int n = 0;
    byte[] prefix = Keys.tenantPrefix(tenant);
    try (Slice upper = new Slice(Keys.upperBound(prefix));
        ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = storage.db.newIterator(storage.workflowRuns, ro);
        WriteBatch batch = new WriteBatch();
        WriteOptions wo = new WriteOptions()) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (WorkflowKeys.kind(key) != WorkflowKeys.END
            || WorkflowCodec.end(it.value()).completedAt() >= endedBefore) {
          continue;
        }
        String runId = WorkflowKeys.runId(tenant, key);
        if (keep.test(runId)) {
          continue;
        }
        byte[] run = WorkflowKeys.runPrefix(tenant, runId);
        byte[] startKey = WorkflowKeys.run(tenant, runId, WorkflowKeys.START);
        byte[] start = storage.db.get(storage.workflowRuns, startKey);
        if (start != null) { // its place in the by-creation-time index goes with it
          long createdAt = WorkflowCodec.run(start).createdAt();
          batch.delete(storage.workflowRunsByTime, WorkflowKeys.byTime(tenant, createdAt, runId));
        }
        batch.delete(storage.workflowRuns, startKey);
        batch.delete(storage.workflowRuns, key);
        batch.delete(
            storage.workflowRuns, WorkflowKeys.run(tenant, runId, WorkflowKeys.FAILURE_CALL));
        batch.deleteRange(storage.workflowHistory, run, Keys.upperBound(run));
        if (++n % EXPIRY_CHUNK == 0) {
          storage.db.write(wo, batch);
          batch.clear();
        }
      }
      check(it);
      storage.db.write(wo, batch);
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB run expiry failed", e);
    }
    return n;
  }

  long approximateSizeBytes() {
    long n = 0;
    try {
      for (ColumnFamilyHandle cf : storage.families()) {
        n += storage.db.getLongProperty(cf, "rocksdb.live-sst-files-size");
        n += storage.db.getLongProperty(cf, "rocksdb.cur-size-all-mem-tables");
      }
    } catch (RocksDBException e) {
      throw new StorageException("cannot read RocksDB size", e);
    }
    return n;
  }

  void reclaimSpace() {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      for (ColumnFamilyHandle cf : storage.families()) {
        storage.db.flush(flush, cf);
        storage.db.compactRange(cf);
      }
    } catch (RocksDBException e) {
      throw new StorageException("cannot reclaim RocksDB space", e);
    }
  }
}
