package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.LogScope;
import dev.postbox.core.store.Positioned;
import dev.postbox.core.store.StoreBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksIterator;

class LogIndexTest {
  @TempDir Path dir;

  private static Message message(String tenant, String id) {
    return Message.builder()
        .withTenant(tenant)
        .withId(id)
        .withUrl("http://127.0.0.1:9/" + id)
        .withBody(new byte[] {1})
        .withCreatedAt(1_000)
        .withNotBefore(1_000)
        .withDueAt(1_000)
        .build();
  }

  /** {@code n} entries of {@code tenant}, of messages m0..m9 in turn, at times 1000, 1001, ... */
  private static void writeLogs(RocksDbMessageStore store, String tenant, int n) {
    StoreBatch b = new StoreBatch();
    for (int i = 0; i < n; i++) {
      b.appendLog(LogEntry.of(1_000 + i, MessageState.CREATED, message(tenant, "m" + i % 10), 0));
      if (b.ops().size() == 1_000) {
        store.commit(b, Durability.SYNC).join();
        b = new StoreBatch();
      }
    }
    store.commit(b, Durability.SYNC).join();
  }

  private static List<Long> timesOf(RocksDbMessageStore store, String tenant, String id) {
    List<Long> out = new ArrayList<>();
    LogScope scope = new LogScope(Long.MIN_VALUE, Long.MAX_VALUE, Set.of(id));
    for (Positioned<LogEntry> p :
        store.listLogs(tenant, null, 1000, false, scope, e -> true).items()) {
      out.add(p.item().time());
    }
    return out;
  }

  /** The index entries of {@code tenant}, as the times of their log entries. */
  private static List<Long> indexed(RocksDbStorage s, String tenant) {
    List<Long> out = new ArrayList<>();
    byte[] prefix = Keys.tenantPrefix(tenant);
    try (RocksIterator it = s.db.newIterator(s.logsByMessage)) {
      for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
        String pos = Keys.position(it.key());
        out.add(Long.parseLong(pos.substring(0, pos.indexOf('-'))));
      }
    }
    out.sort(null);
    return out;
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    if (key.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (key[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static List<Long> range(long from, long to, long step) {
    List<Long> out = new ArrayList<>();
    for (long t = from; t < to; t += step) {
      out.add(t);
    }
    return out;
  }

  @Test
  void retentionDeletesIndexEntriesWithTheirLogEntriesAcrossWrites() {
    int n = LogIndex.CHUNK + 30; // more than one write
    long cut = 1_000 + LogIndex.CHUNK + 20;
    try (RocksDbMessageStore store = RocksDbMessageStore.open(dir.resolve("db"))) {
      writeLogs(store, "t1", n);
      writeLogs(store, "t2", 5);
      store.expireLogs("t1", cut);
      assertEquals(range(cut, 1_000 + n, 1), indexed(store.storage(), "t1"));
      assertEquals(range(1_000, 1_005, 1), indexed(store.storage(), "t2"));
      assertEquals(List.of(cut + 3), timesOf(store, "t1", "m3"));
      assertEquals(
          n - (cut - 1_000), store.listLogs("t1", null, n, true, e -> true).items().size());
    }
  }

  @Test
  void aTenantResetDeletesAllItsIndexEntriesAndNoOtherTenants() {
    try (RocksDbMessageStore store = RocksDbMessageStore.open(dir.resolve("db"))) {
      writeLogs(store, "t1", 50);
      writeLogs(store, "t10", 20);
      store.expireLogs("t1", Long.MAX_VALUE); // what TenantReset does
      assertEquals(List.of(), indexed(store.storage(), "t1"));
      assertEquals(List.of(), store.listLogs("t1", null, 10, true, e -> true).items());
      assertEquals(range(1_000, 1_020, 1), indexed(store.storage(), "t10"));
      assertEquals(List.of(1_004L, 1_014L), timesOf(store, "t10", "m4"));
    }
  }

  @Test
  void logsWrittenBeforeTheIndexAreIndexedOnceOnOpen() throws Exception {
    Path db = dir.resolve("db");
    try (RocksDbMessageStore store = RocksDbMessageStore.open(db)) {
      writeLogs(store, "t1", LogIndex.CHUNK + 5);
      writeLogs(store, "t2", 3);
    }
    try (RocksDbStorage s = new RocksDbStorage(db)) {
      // As an older version left it: no index entries, and no mark that they were built.
      s.db.deleteRange(s.logsByMessage, new byte[] {0}, new byte[] {(byte) 0xff});
      s.db.delete(s.meta, "index/logs_by_message".getBytes(StandardCharsets.UTF_8));
      assertEquals(List.of(), indexed(s, "t1"));
    }
    try (RocksDbMessageStore store = RocksDbMessageStore.open(db)) {
      assertEquals(range(1_007, 1_000 + LogIndex.CHUNK + 5, 10), timesOf(store, "t1", "m7"));
      assertEquals(List.of(1_002L), timesOf(store, "t2", "m2"));
    }
    try (RocksDbStorage s = new RocksDbStorage(db)) {
      assertEquals(0, LogIndex.build(s), "done once");
      assertEquals(LogIndex.CHUNK + 5, indexed(s, "t1").size());
    }
  }

  @Test
  void anIndexEntryWhoseLogEntryIsGoneIsSkipped() throws Exception {
    try (RocksDbMessageStore store = RocksDbMessageStore.open(dir.resolve("db"))) {
      writeLogs(store, "t1", 30);
      RocksDbStorage s = store.storage();
      // The log entry of m5 at 1015 gone alone (as a write between a retention walk and its
      // delete would leave it).
      byte[] logKey =
          Keys.positionKey(
              "t1",
              store
                  .listLogs("t1", null, 1, true, new LogScope(1_015, 1_015, Set.of()), e -> true)
                  .items()
                  .get(0)
                  .position());
      s.db.delete(s.logs, logKey);
      assertEquals(List.of(1_005L, 1_025L), timesOf(store, "t1", "m5"));
    }
  }
}
