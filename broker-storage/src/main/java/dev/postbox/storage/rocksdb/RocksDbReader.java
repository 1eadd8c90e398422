package dev.postbox.storage.rocksdb;

import dev.postbox.core.error.StorageException;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * The read primitives the stores' readers share: point reads, prefix scans and pages of a tenant's
 * time-ordered range, with RocksDB's errors turned into {@link StorageException}s. Thread-safe.
 */
final class RocksDbReader {
  final RocksDbStorage storage;

  RocksDbReader(RocksDbStorage storage) {
    this.storage = storage;
  }

  byte[] get(ColumnFamilyHandle cf, byte[] key) {
    try {
      return storage.db.get(cf, key);
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB read failed", e);
    }
  }

  /** Throws if the iterator stopped on an error rather than at the end. */
  static void check(RocksIterator it) {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB iteration failed", e);
    }
  }

  /** Positions the iterator on the first key strictly after {@code key}. */
  static void seekPast(RocksIterator it, byte[] key) {
    it.seek(key);
    if (it.isValid() && Arrays.equals(it.key(), key)) {
      it.next();
    }
  }

  /** Calls {@code f} for every entry whose key starts with {@code prefix} (null: all). */
  void scanPrefix(ColumnFamilyHandle cf, byte[] prefix, BiConsumer<byte[], byte[]> f) {
    scan(
        cf,
        prefix,
        null,
        (k, v) -> {
          f.accept(k, v);
          return true;
        });
  }

  /**
   * Calls {@code f} for the entries whose key starts with {@code prefix} (null: all), from the
   * first key at or after {@code from} (null: the first of the prefix), while it returns true.
   */
  void scan(ColumnFamilyHandle cf, byte[] prefix, byte[] from, BiPredicate<byte[], byte[]> f) {
    try (ReadOptions ro = new ReadOptions();
        Slice upper = prefix == null ? null : new Slice(Keys.upperBound(prefix))) {
      if (upper != null) {
        ro.setIterateUpperBound(upper);
      }
      try (RocksIterator it = storage.db.newIterator(cf, ro)) {
        if (from != null) {
          it.seek(from);
        } else if (prefix != null) {
          it.seek(prefix);
        } else {
          it.seekToFirst();
        }
        for (; it.isValid() && f.test(it.key(), it.value()); it.next()) {}
        check(it);
      }
    }
  }

  /** Decodes a key/value into an item, or null when the filter rejects it. */
  interface Decoder<T> {
    T decode(byte[] key, byte[] value);
  }

  /**
   * Walks a tenant's time-ordered range from after {@code cursor}, collecting up to {@code limit}
   * matches; returns the last match's position when more entries follow, else null.
   */
  <T> String page(
      ColumnFamilyHandle cf,
      String tenant,
      String cursor,
      int limit,
      boolean newestFirst,
      Decoder<T> decoder,
      List<T> out) {
    return page(
        cf,
        tenant,
        new Range(cursor, Long.MIN_VALUE, Long.MAX_VALUE),
        limit,
        newestFirst,
        decoder,
        out);
  }

  /**
   * Where a walk of a tenant's time-ordered keys goes: strictly after the position {@code cursor}
   * (null: from the start), and only over the keys whose time is within {@code [fromTime, toTime]},
   * so the entries outside are never read.
   */
  record Range(String cursor, long fromTime, long toTime) {}

  /** Like {@link #page(ColumnFamilyHandle, String, String, int, boolean, Decoder, List)}. */
  <T> String page(
      ColumnFamilyHandle cf,
      String tenant,
      Range range,
      int limit,
      boolean newestFirst,
      Decoder<T> decoder,
      List<T> out) {
    byte[] prefix = Keys.tenantPrefix(tenant);
    byte[] lowerKey = range.fromTime() <= 0 ? prefix : Keys.timeSeq(tenant, range.fromTime(), 0);
    byte[] upperKey =
        range.toTime() == Long.MAX_VALUE
            ? Keys.upperBound(prefix)
            : Keys.timeSeq(tenant, range.toTime() + 1, 0);
    byte[] cursorKey = Keys.positionKey(tenant, range.cursor());
    if (range.toTime() < 0 || Arrays.compareUnsigned(lowerKey, upperKey) >= 0) {
      return null; // an empty range
    }
    if (cursorKey != null) {
      boolean pastTheEnd =
          newestFirst
              ? Arrays.compareUnsigned(cursorKey, lowerKey) <= 0
              : Arrays.compareUnsigned(cursorKey, upperKey) >= 0;
      if (pastTheEnd) {
        return null;
      }
      if (newestFirst
          ? Arrays.compareUnsigned(cursorKey, upperKey) >= 0
          : Arrays.compareUnsigned(cursorKey, lowerKey) < 0) {
        cursorKey = null; // the cursor is before the range: walk all of it
      }
    }
    byte[] lastKey = null;
    try (Slice lower = new Slice(lowerKey);
        Slice upper = new Slice(upperKey);
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = storage.db.newIterator(cf, ro)) {
      if (newestFirst) {
        if (cursorKey == null) {
          it.seekToLast();
        } else {
          it.seekForPrev(cursorKey);
          if (it.isValid() && Arrays.equals(it.key(), cursorKey)) {
            it.prev();
          }
        }
      } else {
        if (cursorKey == null) {
          it.seekToFirst();
        } else {
          seekPast(it, cursorKey);
        }
      }
      while (it.isValid()) {
        if (out.size() >= limit) {
          return Keys.position(lastKey);
        }
        byte[] key = it.key();
        T item = decoder.decode(key, it.value());
        if (item != null) {
          out.add(item);
          lastKey = key;
        }
        if (newestFirst) {
          it.prev();
        } else {
          it.next();
        }
      }
      check(it);
    }
    return null;
  }
}
