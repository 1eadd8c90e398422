package dev.postbox.storage.rocksdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * Pages of the log entries of some messages through the {@link LogIndex}: one walk of each
 * message's index entries, merged in log order, so the entries of other messages are never read.
 * Pages, positions and order are those of {@link RocksDbReader#page} over the log with the other
 * messages' entries skipped; only the last page differs, ending without a cursor where that walk
 * could give one that leads to an empty page.
 */
final class LogIndexReads {
  private final RocksDbReader reader;
  private final RocksDbStorage storage;

  LogIndexReads(RocksDbReader reader) {
    this.reader = reader;
    this.storage = reader.storage;
  }

  /** One message's index entries in the range, walked in the page's direction. */
  private static final class Walk implements AutoCloseable {
    final String id;
    final byte[] prefix;
    final Slice lower;
    final Slice upper;
    final ReadOptions ro;
    final RocksIterator it;
    byte[] logKey;

    Walk(RocksDbStorage s, String id, byte[] prefix, byte[] lowerKey, byte[] upperKey) {
      this.id = id;
      this.prefix = prefix;
      this.lower = new Slice(lowerKey);
      this.upper = new Slice(upperKey);
      this.ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
      this.it = s.db.newIterator(s.logsByMessage, ro);
    }

    /** Moves to the next of the message's entries from where the iterator is; false at the end. */
    boolean settle(byte[] tenantPrefix, boolean newestFirst) {
      for (; it.isValid(); step(newestFirst)) {
        logKey = LogIndex.logKey(tenantPrefix, prefix, it.key());
        if (logKey != null) {
          return true;
        }
      }
      RocksDbReader.check(it);
      return false;
    }

    void step(boolean newestFirst) {
      if (newestFirst) {
        it.prev();
      } else {
        it.next();
      }
    }

    @Override
    public void close() {
      it.close();
      ro.close();
      upper.close();
      lower.close();
    }
  }

  /**
   * Like {@link RocksDbReader#page(org.rocksdb.ColumnFamilyHandle, String, RocksDbReader.Range,
   * int, boolean, RocksDbReader.Decoder, List)} over the log, for the entries of the messages
   * {@code ids} only.
   */
  <T> String page(
      String tenant,
      RocksDbReader.Range range,
      Set<String> ids,
      int limit,
      boolean newestFirst,
      RocksDbReader.Decoder<T> decoder,
      List<T> out) {
    byte[] tenantPrefix = Keys.tenantPrefix(tenant);
    boolean unboundedAbove = range.toTime() == Long.MAX_VALUE;
    byte[] lowerKey = Keys.timeSeq(tenant, Math.max(0, range.fromTime()), 0);
    byte[] upperKey = unboundedAbove ? null : Keys.timeSeq(tenant, range.toTime() + 1, 0);
    byte[] cursorKey = Keys.positionKey(tenant, range.cursor());
    if (range.toTime() < 0
        || (upperKey != null && Arrays.compareUnsigned(lowerKey, upperKey) >= 0)) {
      return null; // an empty range
    }
    if (cursorKey != null) {
      boolean pastTheEnd =
          newestFirst
              ? Arrays.compareUnsigned(cursorKey, lowerKey) <= 0
              : upperKey != null && Arrays.compareUnsigned(cursorKey, upperKey) >= 0;
      if (pastTheEnd) {
        return null;
      }
      if (newestFirst
          ? upperKey != null && Arrays.compareUnsigned(cursorKey, upperKey) >= 0
          : Arrays.compareUnsigned(cursorKey, lowerKey) < 0) {
        cursorKey = null; // the cursor is before the range: walk all of it
      }
    }
    Comparator<Walk> order = (a, b) -> Arrays.compareUnsigned(a.logKey, b.logKey);
    PriorityQueue<Walk> heads = new PriorityQueue<>(newestFirst ? order.reversed() : order);
    List<Walk> walks = new ArrayList<>(ids.size());
    try {
      for (String id : ids) {
        byte[] prefix = LogIndex.prefix(tenant, id);
        byte[] upper =
            upperKey == null ? Keys.upperBound(prefix) : LogIndex.under(prefix, upperKey);
        Walk w = new Walk(storage, id, prefix, LogIndex.under(prefix, lowerKey), upper);
        walks.add(w);
        start(w, cursorKey == null ? null : LogIndex.under(prefix, cursorKey), newestFirst);
        if (w.settle(tenantPrefix, newestFirst)) {
          heads.add(w);
        }
      }
      byte[] lastKey = null;
      while (!heads.isEmpty()) {
        if (out.size() >= limit) {
          return Keys.position(lastKey);
        }
        Walk w = heads.poll();
        byte[] value = reader.get(storage.logs, w.logKey);
        // An entry gone since its index entry was read, or (defensively) not the message's: skip.
        if (value != null && w.id.equals(Codec.logMessageId(value))) {
          T item = decoder.decode(w.logKey, value);
          if (item != null) {
            out.add(item);
            lastKey = w.logKey;
          }
        }
        w.step(newestFirst);
        if (w.settle(tenantPrefix, newestFirst)) {
          heads.add(w);
        }
      }
      return null;
    } finally {
      walks.forEach(Walk::close);
    }
  }

  /**
   * Positions a walk on its first entry strictly after {@code cursor} (null: the range's first).
   */
  private static void start(Walk w, byte[] cursor, boolean newestFirst) {
    if (newestFirst) {
      if (cursor == null) {
        w.it.seekToLast();
      } else {
        w.it.seekForPrev(cursor);
        if (w.it.isValid() && Arrays.equals(w.it.key(), cursor)) {
          w.it.prev();
        }
      }
    } else if (cursor == null) {
      w.it.seekToFirst();
    } else {
      RocksDbReader.seekPast(w.it, cursor);
    }
  }
}
