package com.example.broker.storage.rocksdb;

import com.example.broker.core.error.ErrorCode;
import com.example.broker.core.error.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one writer thread takes everything submitted since its last write, applies it as
 * ONE {@link WriteBatch}, syncs the WAL once if any submission needs it, then completes the
 * submissions' futures in submission order. Many concurrent publishes cost one fsync.
 *
 * <p>Callers never block: {@link #submit} only enqueues. Futures complete on the writer thread, so
 * their dependents must not block (they must not wait for another commit).
 */
final class GroupCommitter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
  private static final int MAX_GROUP = 4096;
  private static final long MAX_GROUP_BYTES = 32L * 1024 * 1024;

  /** One change to apply: a put (value non-null) or delete (value null) in a column family. */
  record Mutation(ColumnFamilyHandle cf, byte[] key, byte[] value) {
    long size() {
      return key.length + (value == null ? 0 : value.length);
    }
  }

  private record Submission(List<Mutation> mutations, boolean sync, CompletableFuture<Void> done) {}

  private final RocksDB db;
  private final LinkedBlockingQueue<Submission> queue = new LinkedBlockingQueue<>();
  private final WriteOptions syncOptions = new WriteOptions().setSync(true);
  private final WriteOptions asyncOptions = new WriteOptions().setSync(false);
  private final Thread writer;
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong submissions = new AtomicLong();
  private volatile boolean closed;

  GroupCommitter(RocksDB db) {
    this.db = db;
    this.writer = new Thread(this::run, "postbox-group-commit");
    writer.setDaemon(true);
    writer.start();
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

  private void run() {
    List<Submission> group = new ArrayList<>();
    while (true) {
      try {
        Submission first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed && queue.isEmpty()) {
            return;
          }
          continue;
        }
        group.clear();
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
      } catch (RuntimeException e) {
        LOG.error("group commit failed unexpectedly", e);
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
    boolean sync = false;
    try (WriteBatch batch = new WriteBatch()) {
      for (Submission s : group) {
        sync |= s.sync();
        for (Mutation m : s.mutations()) {
          if (m.value() == null) {
            batch.delete(m.cf(), m.key());
          } else {
            batch.put(m.cf(), m.key(), m.value());
          }
        }
      }
      db.write(sync ? syncOptions : asyncOptions, batch);
      writes.incrementAndGet();
      submissions.addAndGet(group.size());
    } catch (RocksDBException e) {
      StorageException failure = new StorageException("RocksDB write failed: " + e.getMessage(), e);
      for (Submission s : group) {
        s.done().completeExceptionally(failure);
      }
      return;
    }
    for (Submission s : group) {
      s.done().complete(null);
    }
  }

  /** Stops accepting; what was submitted before is written; then the writer thread ends. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Submission late;
    while ((late = queue.poll()) != null) {
      late.done()
          .completeExceptionally(
              new StorageException(ErrorCode.SHUTTING_DOWN, "the store is shutting down"));
    }
    syncOptions.close();
    asyncOptions.close();
  }
}
