package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.StorageException;
import dev.postbox.core.message.EndedMessage;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.testing.MessageStoreContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbMessageStoreTest extends MessageStoreContract {
  @TempDir Path dir;

  @Override
  protected MessageStore createStore() {
    return RocksDbMessageStore.open(dir.resolve("db"));
  }

  @Test
  void everythingSurvivesAReopen() {
    Message full = aFullMessage();
    store
        .commit(
            new StoreBatch()
                .putMessage(full)
                .putDue(full.dueAt(), full.ref())
                .putInFlight(full.ref(), 5)
                .appendLog(LogEntry.of(10, MessageState.CREATED, full, 0)),
            Durability.SYNC)
        .join();
    store.close();
    store = createStore();
    assertEquals(full.id(), store.findMessage(full.ref()).orElseThrow().id());
    assertEquals(1, store.scanDue(null, Long.MAX_VALUE, 10).size());
    assertEquals(List.of(full.ref()), store.inFlight());
    assertEquals(1, store.listLogs("t1", null, 10, true, e -> true).items().size());
  }

  @Test
  void endedRecordsSurviveAReopenAndStillExpire() {
    Message full = aFullMessage();
    store
        .commit(
            new StoreBatch()
                .putMessage(full)
                .finishMessage(full, false)
                .putEnded(full, MessageState.FAILED, 7_000),
            Durability.SYNC)
        .join();
    store.close();
    store = createStore();
    EndedMessage e = store.findEnded(full.ref()).orElseThrow();
    assertEquals(MessageState.FAILED, e.state());
    assertEquals(7_000, e.endedAt());
    assertEquals(full.url(), e.message().url());
    assertEquals(0, store.expireEnded("t1", 7_000));
    assertEquals(1, store.expireEnded("t1", 7_001));
    store.close();
    store = createStore();
    assertTrue(store.findEnded(full.ref()).isEmpty(), "the expiry was durable");
  }

  @Test
  void commitsAfterCloseFailCleanly() {
    store.close();
    CompletableFuture<Void> f =
        store.commit(new StoreBatch().putMessage(aFullMessage()), Durability.SYNC);
    CompletionException e = assertThrows(CompletionException.class, f::join);
    StorageException cause = assertInstanceOf(StorageException.class, e.getCause());
    assertEquals(ErrorCode.SHUTTING_DOWN, cause.code());
    store = createStore();
  }

  /** Many concurrent synced commits share few WAL syncs (group commit). */
  @Test
  void concurrentSyncedCommitsAreGroupedAndAllLand() throws Exception {
    RocksDbMessageStore rocks = (RocksDbMessageStore) store;
    long[] before = rocks.commitStats();
    int threads = 64;
    int perThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> submitters = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      submitters.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  // Each thread waits for its own commit, as a publishing client does.
                  store
                      .commit(
                          new StoreBatch()
                              .putMessage(aMessage("t1", "g" + thread + "-" + i).build()),
                          Durability.SYNC)
                      .join();
                }
              }));
    }
    for (Future<?> s : submitters) {
      s.get(120, TimeUnit.SECONDS); // each joined its every commit: a failed one fails here
    }
    pool.shutdown();
    long[] after = rocks.commitStats();
    long writes = after[0] - before[0];
    long submissions = after[1] - before[1];
    long syncs = after[2] - before[2];
    long synced = after[3] - before[3];
    assertEquals(threads * perThread, submissions);
    assertEquals(threads * perThread, synced);
    assertEquals(threads * perThread, store.scanMessages("t1", null, 100_000, m -> true).size());
    System.out.printf(
        "group commit: %d synced commits in %d RocksDB writes and %d WAL syncs"
            + " (%.1f commits per sync)%n",
        submissions, writes, syncs, (double) synced / syncs);
    assertTrue(writes < submissions, "commits were grouped");
    assertTrue(syncs < synced, "syncs were shared");
  }

  @Test
  void aCorruptRecordIsAStorageException() {
    assertThrows(StorageException.class, () -> Codec.message(new byte[] {9, 1, 2}));
    assertThrows(StorageException.class, () -> Codec.message(new byte[] {1, 0, 0}));
  }
}
