package dev.postbox.storage.rocksdb;

import static dev.postbox.storage.rocksdb.RocksDbReader.check;

import dev.postbox.core.error.StorageException;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Retention and space: deletes logs, bodies stored apart, DLQ entries and deduplication records
 * whose time has passed, and measures and reclaims the space the database takes.
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
    deleteOlder(storage.logs, tenant, before);
  }

  /**
   * Deletes the bodies stored apart of messages created before {@code before} (whose CREATED log
   * entries go in the same pass) that have no record left. A message still pending keeps its body;
   * a later pass deletes it once the message is finished.
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
        if (reader.get(storage.messages, Keys.message(tenant, Keys.bodyId(tenant, key))) == null) {
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
   * Walks the tenant's expiry index up to {@code now}: deletes each record whose window has ended
   * (a record re-used since has a later expiry and stays), then the walked index range.
   */
  int expireDedup(String tenant, long now) {
    byte[] from = Keys.dedupExpiry(tenant, 0, "");
    byte[] to = Keys.dedupExpiry(tenant, now, "");
    int n = 0;
    try (Slice upper = new Slice(to);
        ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = storage.db.newIterator(storage.dedupExpiry, ro);
        WriteBatch batch = new WriteBatch();
        WriteOptions wo = new WriteOptions()) {
      for (it.seek(from); it.isValid(); it.next()) {
        byte[] key = Keys.message(tenant, Keys.dedupIdOf(tenant, it.key()));
        byte[] v = storage.db.get(storage.dedup, key);
        if (v != null && DedupCodec.decode(v).expiresAt() <= now) {
          batch.delete(storage.dedup, key);
          n++;
        }
      }
      check(it);
      batch.deleteRange(storage.dedupExpiry, from, to);
      storage.db.write(wo, batch);
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB dedup expiry failed", e);
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
