package dev.postbox.storage.rocksdb;

import dev.postbox.core.error.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The index of the message logs by message id, in {@link RocksDbStorage#LOGS_BY_MESSAGE}: for each
 * log entry {@code tenant\0 ‖ time ‖ seq}, an empty value under {@code tenant\0 messageId\0 ‖ time
 * ‖ seq}, so a message's entries are one range of keys in log order. It is written in the same
 * batch as its log entry ({@link BatchEncoder}) and deleted in the same batch ({@link #expire});
 * this builds it once for the logs a data directory held before it existed.
 */
final class LogIndex {
  static final int CHUNK = 10_000;

  /** Written once every log entry has its index entry. */
  private static final byte[] BUILT = "index/logs_by_message".getBytes(StandardCharsets.UTF_8);

  private static final int SUFFIX = 16; // time ‖ seq
  private static final byte[] EMPTY = new byte[0];

  private LogIndex() {}

  /** {@code tenant\0 messageId\0}: the prefix of a message's index entries. */
  static byte[] prefix(String tenant, String messageId) {
    byte[] k = Keys.message(tenant, messageId);
    return Arrays.copyOf(k, k.length + 1);
  }

  /** The index entry of the log entry {@code logKey} of {@code tenant}. */
  static byte[] key(String tenant, String messageId, byte[] logKey) {
    return under(prefix(tenant, messageId), logKey);
  }

  /**
   * The index key under {@code prefix} with the time and seq of the log key {@code logKey}, which
   * must be a {@link Keys#timeSeq} key.
   */
  static byte[] under(byte[] prefix, byte[] logKey) {
    byte[] out = Arrays.copyOf(prefix, prefix.length + SUFFIX);
    System.arraycopy(logKey, logKey.length - SUFFIX, out, prefix.length, SUFFIX);
    return out;
  }

  /**
   * The log key an index key under {@code prefix} stands for, or null when the key is not one of
   * that message's (a longer id that starts with this one and a zero byte).
   */
  static byte[] logKey(byte[] tenantPrefix, byte[] prefix, byte[] indexKey) {
    if (indexKey.length != prefix.length + SUFFIX) {
      return null;
    }
    byte[] out = Arrays.copyOf(tenantPrefix, tenantPrefix.length + SUFFIX);
    System.arraycopy(indexKey, prefix.length, out, tenantPrefix.length, SUFFIX);
    return out;
  }

  /** The tenant of a log key. */
  private static String tenantOf(byte[] logKey) {
    int zero = logKey.length - SUFFIX - 1;
    return new String(logKey, 0, zero, StandardCharsets.UTF_8);
  }

  /**
   * Indexes every stored log entry unless that was done (in batches of {@link #CHUNK}; indexing an
   * entry twice writes the same key), then records that it is done, so a crash midway only makes
   * the next open start over. Runs on open, before any write. Returns how many it indexed.
   */
  static int build(RocksDbStorage s) {
    try {
      if (s.db.get(s.meta, BUILT) != null) {
        return 0;
      }
      int n = 0;
      try (WriteOptions sync = new WriteOptions().setSync(true);
          RocksIterator it = s.db.newIterator(s.logs);
          WriteBatch batch = new WriteBatch()) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          byte[] logKey = it.key();
          String id = Codec.logMessageId(it.value());
          batch.put(s.logsByMessage, key(tenantOf(logKey), id, logKey), EMPTY);
          if (++n % CHUNK == 0) {
            s.db.write(sync, batch);
            batch.clear();
          }
        }
        RocksDbReader.check(it);
        batch.put(s.meta, BUILT, EMPTY);
        s.db.write(sync, batch);
      }
      return n;
    } catch (RocksDBException e) {
      throw new StorageException("cannot index the message logs by message id", e);
    }
  }

  /**
   * Deletes the tenant's log entries older than {@code before} with their index entries, each write
   * a range of up to {@link #CHUNK} log entries and their index entries; a whole tenant ( {@code
   * before} {@link Long#MAX_VALUE}) goes as two ranges in one write.
   */
  static void expire(RocksDbStorage s, String tenant, long before) {
    if (before <= 0) {
      return;
    }
    byte[] tenantPrefix = Keys.tenantPrefix(tenant);
    try (WriteOptions wo = new WriteOptions();
        WriteBatch batch = new WriteBatch()) {
      if (before == Long.MAX_VALUE) {
        byte[] end = Keys.upperBound(tenantPrefix);
        batch.deleteRange(s.logs, tenantPrefix, end);
        batch.deleteRange(s.logsByMessage, tenantPrefix, end);
        s.db.write(wo, batch);
        return;
      }
      byte[] from = Keys.timeSeq(tenant, 0, 0);
      int n = 0;
      byte[] last = null;
      try (Slice upper = new Slice(Keys.timeSeq(tenant, before, 0));
          ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
          RocksIterator it = s.db.newIterator(s.logs, ro)) {
        for (it.seek(from); it.isValid(); it.next()) {
          byte[] logKey = it.key();
          last = logKey;
          batch.delete(s.logsByMessage, key(tenant, Codec.logMessageId(it.value()), logKey));
          if (++n % CHUNK == 0) {
            byte[] past = successor(logKey);
            batch.deleteRange(s.logs, from, past);
            s.db.write(wo, batch);
            batch.clear();
            from = past;
          }
        }
        RocksDbReader.check(it);
        if (n % CHUNK != 0) {
          // Up to the last entry walked only: none goes without its index entry.
          batch.deleteRange(s.logs, from, successor(last));
          s.db.write(wo, batch);
        }
      }
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB log expiry failed", e);
    }
  }

  /** The first key after {@code key}. */
  private static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }
}
