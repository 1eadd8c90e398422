package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.StorageException;
import dev.postbox.core.metrics.BrokerMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/** The sync window: when a WAL sync starts, and that nothing synced waits longer than it must. */
@Timeout(60)
class GroupCommitterTest {
  private static final long HOUR = TimeUnit.HOURS.toNanos(1);

  @TempDir Path dir;
  private RocksDbStorage storage;
  private GroupCommitter committer;
  private int seq;

  private GroupCommitter open(long windowNanos) {
    storage = new RocksDbStorage(dir.resolve("db"));
    committer = new GroupCommitter(storage.db, windowNanos);
    return committer;
  }

  @AfterEach
  void close() {
    committer.close();
    storage.close();
  }

  private CompletableFuture<Void> put(boolean sync) {
    byte[] key = ("k" + seq++).getBytes(StandardCharsets.UTF_8);
    return committer.submit(
        List.of(new GroupCommitter.Mutation(storage.families().get(0), key, new byte[] {1})), sync);
  }

  private static void awaitCount(LongSupplier count, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (count.getAsLong() < expected) {
      assertTrue(System.nanoTime() < deadline, "expected " + expected + ", have " + count);
      Thread.sleep(5);
    }
  }

  @Test
  void anIdleCommitterSyncsAPublishAtOnceWhateverTheWindow() throws Exception {
    open(HOUR);
    put(true).get(10, TimeUnit.SECONDS);
    assertEquals(1, committer.syncs());
  }

  @Test
  void atACalmMomentTheWriterSyncsItselfWithoutWakingTheSyncer() throws Exception {
    storage = new RocksDbStorage(dir.resolve("db"));
    List<String> syncedOn = new CopyOnWriteArrayList<>();
    GroupCommitter.Wal wal =
        new GroupCommitter.Wal() {
          @Override
          public void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
            storage.db.write(options, batch);
          }

          @Override
          public void sync() throws RocksDBException {
            syncedOn.add(Thread.currentThread().getName());
            storage.db.syncWal();
          }
        };
    committer =
        new GroupCommitter(wal, 0); // no window, and the syncer counts as idle from the start
    for (int i = 0; i < 3; i++) {
      put(true).get(10, TimeUnit.SECONDS);
    }
    assertEquals(
        List.of("postbox-group-commit", "postbox-group-commit", "postbox-group-commit"), syncedOn);
    assertEquals(3, committer.syncedSubmissions());
  }

  @Test
  void underLoadASyncWaitsForTheWindowUntilABatchIsWaiting() throws Exception {
    open(HOUR);
    put(true).get(10, TimeUnit.SECONDS); // starts the window
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
    for (int i = 0; i < GroupCommitter.SYNC_BATCH - 1; i++) {
      waiting.add(put(true));
    }
    awaitCount(committer::submissions, GroupCommitter.SYNC_BATCH); // all written
    CompletableFuture<Void> unsynced = put(false);
    unsynced.get(10, TimeUnit.SECONDS); // a write that needs no sync never waits for one
    assertThrows(TimeoutException.class, () -> waiting.get(0).get(200, TimeUnit.MILLISECONDS));
    assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone));
    assertEquals(1, committer.syncs());

    waiting.add(put(true)); // the batch is full: one sync for all of them, without the window
    for (CompletableFuture<Void> f : waiting) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertEquals(2, committer.syncs());
    assertEquals(1 + GroupCommitter.SYNC_BATCH, committer.syncedSubmissions());
  }

  @Test
  void closingSyncsWhatWaitsWithoutWaitingForTheWindow() throws Exception {
    open(HOUR);
    put(true).get(10, TimeUnit.SECONDS);
    List<CompletableFuture<Void>> waiting = List.of(put(true), put(true), put(true));
    awaitCount(committer::submissions, 4);
    committer.close();
    for (CompletableFuture<Void> f : waiting) {
      assertTrue(f.isDone());
      assertFalse(f.isCompletedExceptionally());
    }
    assertEquals(2, committer.syncs());
  }

  @Test
  void withoutAWindowEachSyncFollowsTheLastAtOnce() throws Exception {
    open(0);
    for (int i = 0; i < 20; i++) {
      put(true).get(10, TimeUnit.SECONDS);
    }
    assertEquals(20, committer.syncs());
  }

  /**
   * At a moderate rate a synced write waits only a third of the window since the last sync started;
   * once more than three a window came in, it waits for the whole window again (the clock is the
   * test's, so nothing here depends on how fast the machine is).
   */
  @Test
  void atAModerateRateASyncWaitsOnlyAThirdOfTheWindow() throws Exception {
    AtomicLong now = new AtomicLong();
    storage = new RocksDbStorage(dir.resolve("db"));
    CountDownLatch writeHeld = new CountDownLatch(1);
    CountDownLatch releaseWrite = new CountDownLatch(1);
    AtomicInteger writeCalls = new AtomicInteger();
    int heldWrite = 3;
    GroupCommitter.Wal wal =
        new GroupCommitter.Wal() {
          @Override
          public void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
            if (writeCalls.incrementAndGet() == heldWrite) { // the next submissions form one group
              writeHeld.countDown();
              awaitUninterruptibly(releaseWrite);
            }
            storage.db.write(options, batch);
          }

          @Override
          public void sync() throws RocksDBException {
            storage.db.syncWal();
          }
        };
    committer = new GroupCommitter(wal, HOUR, BrokerMetrics.NONE, now::get);
    put(true).get(10, TimeUnit.SECONDS); // idle: at once; its sync started at 0
    now.set(HOUR / 2); // the window has not passed since, a third of it has
    put(true).get(10, TimeUnit.SECONDS);
    assertEquals(2, committer.syncs());

    // A burst of two batches in one group, synced at once: more than three a window this period.
    CompletableFuture<Void> held = put(false);
    assertTrue(writeHeld.await(10, TimeUnit.SECONDS));
    List<CompletableFuture<Void>> burst = new ArrayList<>();
    for (int i = 0; i < 2 * GroupCommitter.SYNC_BATCH; i++) {
      burst.add(put(true));
    }
    releaseWrite.countDown();
    held.get(10, TimeUnit.SECONDS);
    for (CompletableFuture<Void> f : burst) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertEquals(3, committer.syncs());

    now.addAndGet(HOUR / 2); // a third of the window since the last sync started, not all of it
    CompletableFuture<Void> waiting = put(true);
    awaitCount(committer::submissions, 4 + burst.size());
    assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS));
    assertEquals(3, committer.syncs());
    committer.close(); // syncs what waits
    assertTrue(waiting.isDone());
    assertFalse(waiting.isCompletedExceptionally());
    assertEquals(4, committer.syncs());
  }

  static Stream<Throwable> faults() {
    return Stream.of(
        new RocksDBException("IO error: disk detail"),
        new IllegalStateException("injected"),
        new OutOfMemoryError("injected"));
  }

  /**
   * A group that fails to be written, however it fails, fails every future waiting on it at once,
   * with fixed text; the committer goes on writing later groups.
   */
  @ParameterizedTest
  @MethodSource("faults")
  void aFailedGroupFailsItsFuturesAndLaterGroupsAreWritten(Throwable fault) throws Exception {
    storage = new RocksDbStorage(dir.resolve("db"));
    CountDownLatch firstWriteStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstWrite = new CountDownLatch(1);
    AtomicInteger writeCalls = new AtomicInteger();
    GroupCommitter.Wal wal =
        new GroupCommitter.Wal() {
          @Override
          public void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
            int call = writeCalls.incrementAndGet();
            if (call == 1) { // holds the writer so that the next submissions form one group
              firstWriteStarted.countDown();
              awaitUninterruptibly(releaseFirstWrite);
            } else if (call == 2) {
              if (fault instanceof RocksDBException r) {
                throw r;
              }
              if (fault instanceof RuntimeException r) {
                throw r;
              }
              throw (Error) fault;
            }
            storage.db.write(options, batch);
          }

          @Override
          public void sync() throws RocksDBException {
            storage.db.syncWal();
          }
        };
    committer = new GroupCommitter(wal, 0);
    CompletableFuture<Void> first = put(false);
    assertTrue(firstWriteStarted.await(10, TimeUnit.SECONDS));
    List<CompletableFuture<Void>> failedGroup = List.of(put(true), put(false), put(true));
    releaseFirstWrite.countDown();
    first.get(10, TimeUnit.SECONDS);

    for (CompletableFuture<Void> f : failedGroup) {
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
      StorageException cause = assertInstanceOf(StorageException.class, e.getCause());
      assertEquals("storage write failed", cause.getMessage());
      assertSame(fault, cause.getCause());
    }
    assertEquals(2, writeCalls.get(), "the three waiting submissions were one group");

    put(true).get(10, TimeUnit.SECONDS); // later groups are written (and synced)
    put(false).get(10, TimeUnit.SECONDS);
    assertEquals(4, writeCalls.get());
    assertEquals(3, committer.writes());
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void metricsHearEachWrittenGroupAndEachSync() throws Exception {
    List<Integer> groups = new CopyOnWriteArrayList<>();
    List<Integer> syncedCounts = new CopyOnWriteArrayList<>();
    List<Long> syncNanos = new CopyOnWriteArrayList<>();
    storage = new RocksDbStorage(dir.resolve("db"));
    committer =
        new GroupCommitter(
            storage.db,
            0,
            new BrokerMetrics() {
              @Override
              public void commitGroup(int submissions) {
                groups.add(submissions);
              }

              @Override
              public void walSync(int submissions, long nanos) {
                syncedCounts.add(submissions);
                syncNanos.add(nanos);
              }
            });
    put(false).get(10, TimeUnit.SECONDS);
    put(true).get(10, TimeUnit.SECONDS);
    assertEquals(List.of(1, 1), groups);
    assertEquals(List.of(1), syncedCounts);
    assertTrue(syncNanos.get(0) >= 0);
    assertEquals(committer.writes(), groups.size());
    assertEquals(committer.syncs(), syncedCounts.size());
  }

  @Test
  void aNegativeWindowIsRefused() {
    storage = new RocksDbStorage(dir.resolve("db"));
    committer = new GroupCommitter(storage.db, 0);
    assertThrows(IllegalArgumentException.class, () -> new GroupCommitter(storage.db, -1));
  }
}
