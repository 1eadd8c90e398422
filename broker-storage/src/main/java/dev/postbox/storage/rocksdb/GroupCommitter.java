package dev.postbox.storage.rocksdb;

import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.StorageException;
import dev.postbox.core.metrics.BrokerMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit, with the WAL sync apart from the writes. One writer thread takes everything
 * submitted since its last write and applies it as ONE {@link WriteBatch}, without syncing; a
 * second thread syncs the WAL ({@code syncWal}) for every synced submission written since its last
 * sync, then completes them. Many concurrent publishes cost one fsync, and writes never wait for a
 * sync: a delivery outcome is in the WAL file (so it survives the process being killed) as soon as
 * it is written, even while an fsync of earlier publishes is running.
 *
 * <p>Order: writes apply, and become visible, in submission order. Unsynced submissions complete
 * right after their write; synced ones after the sync that followed their write. So completions
 * keep submission order within each durability class, and a synced commit may complete after an
 * unsynced one submitted later. (A reader may see a synced write before it is on disk; only an OS
 * crash, not a killed process, could then lose it, and its caller was never told it was stored.)
 *
 * <p>The sync window: each WAL sync costs far more CPU than the write it covers (on a small VM
 * about 0.2 ms of a core in the guest's kernel, plus the host's share of the flush), so
 * back-to-back syncs of one or two publishes each spend a core on fsync at a few thousand publishes
 * a second, and on a VM held to a CPU quota that gets every thread stalled until the next quota
 * period (docs/benchmarks-history.md#item-19). So under load a sync waits for company: it starts
 * once the previous one started at least {@code syncWindow} ago, or at once when {@value
 * #SYNC_BATCH} synced submissions are waiting. While synced submissions come in at most {@value
 * SyncPacer#CALM_PER_WINDOW} a window (a moderate load, whose publishes that wait would mostly
 * delay without saving much), the window shrinks to a third; {@link SyncPacer} decides. A publish
 * on an idle server is synced at once; under load syncs come at most about once a window, each
 * covering what arrived meanwhile; and many clients at once never wait for the window. {@code
 * syncWindow} 0 syncs back to back.
 *
 * <p>At a calm moment (the syncer waiting for work, nothing more to write, and the pacer calm) the
 * writer syncs what it just wrote itself instead of waking the syncer: one thread hand-off less for
 * each publish of a moderate load, and no write of that load had to wait for it. Under load the
 * syncer syncs, as above.
 *
 * <p>Callers never block: {@link #submit} only enqueues. Futures complete on the writer or syncer
 * thread, so their dependents must not block (they must not wait for another commit).
 *
 * <p>Failures: when a group cannot be written or synced, whatever the error, every submission of it
 * still waiting fails with a {@link StorageException} of fixed text ({@value #WRITE_FAILED} or
 * {@value #SYNC_FAILED}) that carries the cause, which is also logged here; the threads go on with
 * the next group.
 */
final class GroupCommitter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
  private static final int MAX_GROUP = 4096;
  private static final long MAX_GROUP_BYTES = 32L * 1024 * 1024;

  /** Synced submissions waiting that start a sync without waiting for the window. */
  static final int SYNC_BATCH = SyncPacer.SYNC_BATCH;

  /** One change to apply: a put (value non-null) or delete (value null) in a column family. */
  record Mutation(ColumnFamilyHandle cf, byte[] key, byte[] value) {
    static Mutation put(ColumnFamilyHandle cf, byte[] key, byte[] value) {
      return new Mutation(cf, key, value);
    }

    static Mutation delete(ColumnFamilyHandle cf, byte[] key) {
      return new Mutation(cf, key, null);
    }

    long size() {
      return key.length + (value == null ? 0 : value.length);
    }
  }

  /** Where groups go: RocksDB, or in tests a stand-in that fails on purpose. */
  interface Wal {
    /** Applies one group's batch, without syncing. */
    void write(WriteOptions options, WriteBatch batch) throws RocksDBException;

    /** Syncs the WAL: everything written before this call started is then on disk. */
    void sync() throws RocksDBException;
  }

  /** The fixed text of the failure every future of a group that could not be written gets. */
  static final String WRITE_FAILED = "storage write failed";

  /** The same for the synced submissions of a WAL sync that failed. */
  static final String SYNC_FAILED = "storage sync failed";

  private record Submission(List<Mutation> mutations, boolean sync, CompletableFuture<Void> done) {}

  private final Wal wal;
  private final LinkedBlockingQueue<Submission> queue = new LinkedBlockingQueue<>();
  private final WriteOptions writeOptions = new WriteOptions().setSync(false);
  private final Thread writer;
  private final Thread syncer;
  private final LongSupplier clock;
  private final BrokerMetrics metrics;
  private final ReentrantLock syncLock = new ReentrantLock();
  private final Condition syncWork = syncLock.newCondition();
  // Guarded by syncLock: synced submissions already written, waiting for the next WAL sync; and
  // what the syncer is waiting for, so that the writer signals it only when that has come.
  private final ArrayDeque<Submission> awaitingSync = new ArrayDeque<>();
  // Waiting for work from the start (there is none yet), so that a first publish, which may come
  // before the syncer thread has reached its wait, is already synced as at any calm moment.
  private SyncerState syncerState = SyncerState.WAITING_FOR_WORK;
  private final SyncPacer pacer; // guarded by syncLock

  private enum SyncerState {
    BUSY,
    WAITING_FOR_WORK,
    WAITING_FOR_WINDOW
  }

  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong submissions = new AtomicLong();
  private final AtomicLong syncs = new AtomicLong();
  private final AtomicLong synced = new AtomicLong();
  private volatile boolean closed;
  private volatile boolean writerDone;

  GroupCommitter(RocksDB db, long syncWindowNanos) {
    this(db, syncWindowNanos, BrokerMetrics.NONE);
  }

  /** Tells {@code metrics} the size of each group written and the duration of each WAL sync. */
  GroupCommitter(RocksDB db, long syncWindowNanos, BrokerMetrics metrics) {
    this(
        new Wal() {
          @Override
          public void write(WriteOptions options, WriteBatch batch) throws RocksDBException {
            db.write(options, batch);
          }

          @Override
          public void sync() throws RocksDBException {
            db.syncWal();
          }
        },
        syncWindowNanos,
        metrics);
  }

  GroupCommitter(Wal wal, long syncWindowNanos) {
    this(wal, syncWindowNanos, BrokerMetrics.NONE);
  }

  GroupCommitter(Wal wal, long syncWindowNanos, BrokerMetrics metrics) {
    this(wal, syncWindowNanos, metrics, System::nanoTime);
  }

  /** {@code clock}: the nanosecond clock the sync window is paced by (tests drive their own). */
  GroupCommitter(Wal wal, long syncWindowNanos, BrokerMetrics metrics, LongSupplier clock) {
    this.pacer = new SyncPacer(syncWindowNanos, clock.getAsLong()); // refuses a negative window
    this.wal = wal;
    this.metrics = metrics;
    this.clock = clock;
    this.writer = new Thread(this::run, "postbox-group-commit");
    writer.setDaemon(true);
    this.syncer = new Thread(this::syncLoop, "postbox-wal-sync");
    syncer.setDaemon(true);
    writer.start();
    syncer.start();
  }

  CompletableFuture<Void> submit(List<Mutation> mutations, boolean sync) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (closed) {
      done.completeExceptionally(
          new StorageException(ErrorCode.SHUTTING_DOWN, "the store is shutting down"));
      return done;
    }
    queue.add(new Submission(mutations, sync, done));
    return done;
  }

  /** RocksDB writes made so far (each may carry many submissions). */
  long writes() {
    return writes.get();
  }

  long submissions() {
    return submissions.get();
  }

  /** WAL syncs made so far, and the synced submissions they covered. */
  long syncs() {
    return syncs.get();
  }

  long syncedSubmissions() {
    return synced.get();
  }

  private void run() {
    List<Submission> group = new ArrayList<>();
    while (true) {
      try {
        Submission first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed && queue.isEmpty()) {
            syncLock.lock();
            try {
              writerDone = true;
              syncWork.signal();
            } finally {
              syncLock.unlock();
            }
            return;
          }
          continue;
        }
        group.add(first);
        long bytes = bytes(first);
        while (group.size() < MAX_GROUP && bytes < MAX_GROUP_BYTES) {
          Submission next = queue.poll();
          if (next == null) {
            break;
          }
          group.add(next);
          bytes += bytes(next);
        }
        write(group);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException | Error e) {
        // Whatever failed, no caller of this group may wait forever; later groups still run.
        LOG.error("group commit failed unexpectedly", e);
        fail(group, new StorageException(WRITE_FAILED, e));
      } finally {
        group.clear();
      }
    }
  }

  private static long bytes(Submission s) {
    long n = 0;
    for (Mutation m : s.mutations()) {
      n += m.size();
    }
    return n;
  }

  private void write(List<Submission> group) {
    try (WriteBatch batch = new WriteBatch()) {
      for (Submission s : group) {
        for (Mutation m : s.mutations()) {
          if (m.value() == null) {
            batch.delete(m.cf(), m.key());
          } else {
            batch.put(m.cf(), m.key(), m.value());
          }
        }
      }
      wal.write(writeOptions, batch);
      writes.incrementAndGet();
      submissions.addAndGet(group.size());
      metrics.commitGroup(group.size());
    } catch (RocksDBException e) {
      LOG.error("group commit failed", e);
      fail(group, new StorageException(WRITE_FAILED, e));
      return;
    }
    boolean toSync = false;
    for (Submission s : group) {
      if (s.sync()) {
        toSync = true;
      } else {
        s.done().complete(null);
      }
    }
    if (toSync) {
      List<Submission> inline = null;
      long start = 0;
      syncLock.lock();
      try {
        for (Submission s : group) {
          if (s.sync()) {
            awaitingSync.add(s);
          }
        }
        // A calm moment (the syncer idle, nothing else to write, a moderate rate): the writer
        // syncs itself, which saves waking the syncer; otherwise the syncer does.
        if (syncerState == SyncerState.WAITING_FOR_WORK && queue.isEmpty()) {
          start = clock.getAsLong();
          if (pacer.delay(start, awaitingSync.size()) <= 0 && pacer.calm()) {
            inline = new ArrayList<>(awaitingSync);
            awaitingSync.clear();
            pacer.started(start, inline.size());
          }
        }
        if (inline == null
            && (syncerState == SyncerState.WAITING_FOR_WORK
                || (syncerState == SyncerState.WAITING_FOR_WINDOW
                    && awaitingSync.size() >= SYNC_BATCH))) {
          syncWork.signal();
        }
      } finally {
        syncLock.unlock();
      }
      if (inline != null) {
        sync(inline, start);
      }
    }
  }

  /** Syncs the WAL for every synced submission written so far, again and again. */
  private void syncLoop() {
    List<Submission> batch = new ArrayList<>();
    while (true) {
      batch.clear();
      long start;
      syncLock.lock();
      try {
        if (!awaitWork()) {
          return;
        }
        batch.addAll(awaitingSync);
        awaitingSync.clear();
        start = clock.getAsLong();
        pacer.started(start, batch.size());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        syncerState = SyncerState.BUSY;
        syncLock.unlock();
      }
      sync(batch, start);
    }
  }

  /**
   * Syncs the WAL for {@code batch}, all written already, then completes it; {@code start}: now.
   */
  private void sync(List<Submission> batch, long start) {
    try {
      wal.sync(); // covers everything written before it started, so all of `batch`
      syncs.incrementAndGet();
      synced.addAndGet(batch.size());
      metrics.walSync(batch.size(), clock.getAsLong() - start);
      for (Submission s : batch) {
        s.done().complete(null);
      }
    } catch (RocksDBException | RuntimeException | Error e) {
      LOG.error("WAL sync failed", e);
      fail(batch, new StorageException(SYNC_FAILED, e));
    }
  }

  /** Fails the submissions not completed yet (a failure may come after some completed). */
  private static void fail(List<Submission> submissions, StorageException failure) {
    for (Submission s : submissions) {
      s.done().completeExceptionally(failure);
    }
  }

  /**
   * Under {@link #syncLock}: waits until there is something to sync and its time has come (as
   * {@code pacer} says, or the writer is done). False when the writer is done and nothing is left.
   */
  private boolean awaitWork() throws InterruptedException {
    while (true) {
      if (awaitingSync.isEmpty()) {
        if (writerDone) {
          return false;
        }
        syncerState = SyncerState.WAITING_FOR_WORK;
        syncWork.await(100, TimeUnit.MILLISECONDS);
        continue;
      }
      long wait = pacer.delay(clock.getAsLong(), awaitingSync.size());
      if (wait <= 0 || writerDone) {
        return true;
      }
      syncerState = SyncerState.WAITING_FOR_WINDOW;
      syncWork.awaitNanos(wait);
    }
  }

  /** Stops accepting; what was submitted before is written; then the writer thread ends. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(30_000);
      syncer.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Submission late;
    while ((late = queue.poll()) != null) {
      late.done()
          .completeExceptionally(
              new StorageException(ErrorCode.SHUTTING_DOWN, "the store is shutting down"));
    }
    writeOptions.close();
  }
}
