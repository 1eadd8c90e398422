package dev.postbox.storage.rocksdb;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;

/**
 * Figures RocksDB keeps about itself, read for metrics: each is a property lookup in memory, never
 * a scan. Key counts are RocksDB's estimates (deletes not yet compacted away can make them too
 * high). After the store is closed every figure reads 0: a property read on a closed database would
 * crash the process, so reads and {@link #close()} take one lock.
 */
public final class RocksDbGauges {
  private static final String SST_BYTES = "rocksdb.total-sst-files-size";
  private static final String PENDING_COMPACTION = "rocksdb.estimate-pending-compaction-bytes";
  private static final String KEYS = "rocksdb.estimate-num-keys";

  private final RocksDbStorage storage;
  private boolean closed; // guarded by this

  RocksDbGauges(RocksDbStorage storage) {
    this.storage = storage;
  }

  /** Bytes of SST files over all column families (the write-ahead log not included). */
  public long sstBytes() {
    return sum(SST_BYTES);
  }

  /** Bytes RocksDB estimates compaction still has to rewrite (grows when it falls behind). */
  public long pendingCompactionBytes() {
    return sum(PENDING_COMPACTION);
  }

  /** Estimated entries of the due index: messages waiting for their time (and retries). */
  public long dueEstimate() {
    return keys(storage.due);
  }

  /** Estimated DLQ entries, all tenants. */
  public long dlqEstimate() {
    return keys(storage.dlq);
  }

  private synchronized long sum(String property) {
    if (closed) {
      return 0;
    }
    long total = 0;
    try {
      for (ColumnFamilyHandle h : storage.families()) {
        total += storage.db.getLongProperty(h, property);
      }
    } catch (RocksDBException e) {
      return 0; // a figure we cannot read is not worth failing a scrape for
    }
    return total;
  }

  private synchronized long keys(ColumnFamilyHandle family) {
    if (closed) {
      return 0;
    }
    try {
      return storage.db.getLongProperty(family, KEYS);
    } catch (RocksDBException e) {
      return 0;
    }
  }

  /** Every figure reads 0 from now on; call before the database closes. */
  synchronized void close() {
    closed = true;
  }
}
