package dev.postbox.core.workflow;

import dev.postbox.core.message.Message;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The runs touched since the broker started, in memory: each run's latest state (including writes
 * submitted but not yet on disk) and the next place in its history. Every change to a run is made
 * holding its {@link LiveRun}'s monitor and submitted to the store while holding it, so a run's
 * history places follow commit order; only the answers of calls, which outcomes add to batches the
 * deliverer commits, may land after a later place ({@link #appendCallback}). A run not in the table
 * is read from the store on first use (blocking, bounded: two point reads). The table keeps at most
 * {@link #DEFAULT_CAPACITY} runs, forgetting the least recently used whose last write is on disk.
 * Thread-safe.
 */
final class RunTable {
  static final int DEFAULT_CAPACITY = 100_000;

  /** One run's state; guarded by its own monitor. */
  static final class LiveRun {
    final String tenant;
    final String runId;
    WorkflowRun run; // null: no such run (yet)
    long nextSeq;
    CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
    // The outcomes that appended callbacks to this run, until their batches are on disk.
    CompletableFuture<Void> callbacksWritten = CompletableFuture.completedFuture(null);

    /** Waits until every write of this run submitted so far is on disk or has failed. */
    void awaitWrites() {
      lastWrite.exceptionally(e -> null).join();
      callbacksWritten.exceptionally(e -> null).join();
    }

    LiveRun(String tenant, String runId) {
      this.tenant = tenant;
      this.runId = runId;
    }
  }

  private final MessageStore store;
  private final int capacity;
  private final WaitTable waits; // a run's waits end with it
  private final LinkedHashMap<String, LiveRun> runs = new LinkedHashMap<>(256, 0.75f, true);
  // Outcome batches holding callbacks appended to runs, until they are on disk; by identity.
  private final Map<StoreBatch, List<Unwritten>> unwritten = new IdentityHashMap<>();

  // Outcome batches that end runs (endIfCached), until they are on disk; by identity.
  private final Map<StoreBatch, List<LiveRun>> ending = new IdentityHashMap<>();
  // Entries of the two maps above: every delivery's outcome calls recorded(), and the outcomes of
  // plain messages, the most of them, must not take this table's monitor to find nothing.
  private final AtomicInteger tracked = new AtomicInteger();
  private volatile Consumer<LiveRun> onEnded = lr -> {};

  private record Unwritten(LiveRun run, CompletableFuture<Void> written) {}

  RunTable(MessageStore store, int capacity, WaitTable waits) {
    this.store = store;
    this.capacity = capacity;
    this.waits = waits;
  }

  /**
   * What to do with a run that an outcome ended ({@link #endIfCached}) once that outcome's batch is
   * on disk: called once per run, on the thread that tells {@link #recorded}; must not block.
   */
  void onEnded(Consumer<LiveRun> action) {
    this.onEnded = action;
  }

  /** The run's entry, read from the store if it is not in memory. May block (bounded reads). */
  LiveRun get(String tenant, String runId) {
    String key = key(tenant, runId);
    synchronized (this) {
      LiveRun lr = runs.get(key);
      if (lr != null) {
        return lr;
      }
    }
    LiveRun loaded = new LiveRun(tenant, runId);
    loaded.run = store.findRun(tenant, runId).orElse(null);
    loaded.nextSeq = store.nextHistorySeq(tenant, runId);
    synchronized (this) {
      LiveRun raced = runs.putIfAbsent(key, loaded); // another thread loaded it meanwhile
      if (raced != null) {
        return raced;
      }
      trim();
      return loaded;
    }
  }

  /** The run's entry if it is in memory, else null. Never blocks on the store. */
  synchronized LiveRun peek(String tenant, String runId) {
    return runs.get(key(tenant, runId));
  }

  /** The run as known in memory, or null when it is not in the table. Never blocks on the store. */
  WorkflowRun cached(String tenant, String runId) {
    LiveRun lr;
    synchronized (this) {
      lr = runs.get(key(tenant, runId));
    }
    if (lr == null) {
      return null;
    }
    synchronized (lr) {
      return lr.run;
    }
  }

  /**
   * Ends a run known in memory and still going, adding its end to {@code batch}; does nothing for a
   * run not in the table or already ended. Never blocks on the store (outcomes are recorded on
   * event loops); the caller commits the batch and then calls {@link #recorded}, which hands the
   * run to {@link #onEnded} once the end is on disk. Returns the run as ended, or null when it did
   * nothing.
   */
  WorkflowRun endIfCached(String tenant, String runId, RunEnd end, StoreBatch batch) {
    LiveRun lr;
    synchronized (this) {
      lr = runs.get(key(tenant, runId));
    }
    if (lr == null) {
      return null;
    }
    synchronized (lr) {
      if (lr.run == null || lr.run.ended()) {
        return null;
      }
      lr.run = lr.run.withEnd(end);
      batch.putWorkflowRunEnd(tenant, runId, end);
      waits.dropRun(tenant, runId, batch);
      synchronized (this) {
        ending.computeIfAbsent(batch, b -> newEntry()).add(lr);
      }
      return lr.run;
    }
  }

  /**
   * Whether the run, in memory, was asked to be triggered by its SDK with {@code ask} (its trigger
   * message) and has not been yet. Never blocks on the store.
   */
  boolean awaitsSdkTrigger(Message ask, String runId) {
    LiveRun lr = peek(ask.tenant(), runId);
    if (lr == null) {
      return false;
    }
    synchronized (lr) {
      return untriggered(lr, ask);
    }
  }

  private static boolean untriggered(LiveRun lr, Message ask) {
    WorkflowRun r = lr.run;
    return r != null
        && r.serverTriggered()
        && !r.ended()
        && lr.nextSeq == 0
        && ask.id().equals(r.triggerMessageId());
  }

  /**
   * For a run in memory that was asked to be triggered by its SDK ({@code ask}, the run's trigger
   * message: docs/workflow.md) and has not been yet: adds the payload that {@code ask} carries as
   * the run's first history entry to {@code batch} (so that its logs show it, as for any run) and
   * returns true. Else false, adding nothing. Never blocks on the store.
   */
  boolean putAskedPayloadIfUntriggered(Message ask, String runId, StoreBatch batch) {
    LiveRun lr = peek(ask.tenant(), runId);
    if (lr == null) {
      return false;
    }
    synchronized (lr) {
      if (!untriggered(lr, ask)) {
        return false;
      }
      byte[] payload = HistoryJson.firstBody(ask.body());
      batch.putHistoryEntry(
          new HistoryEntry(
              ask.tenant(),
              runId,
              0,
              ask.id(),
              payload == null ? new byte[0] : payload,
              WorkflowHeaders.STEP));
      lr.nextSeq = 1;
      return true;
    }
  }

  /**
   * Adds the answer to a run's {@code context.call} to {@code batch}: the callback as a message of
   * the run ({@link StepMessages#fromCallback}) and its {@code fromCallback} history entry at the
   * run's next place. Returns null, adding nothing, when the run has ended or does not exist. A run
   * not in the table gets its run headers from the call's message, without a history entry. Never
   * blocks on the store; the caller commits the batch and then calls {@link #recorded}: until then
   * the run is neither ended (which must see the entry to cancel the callback) nor forgotten.
   */
  Message appendCallback(Message call, Message callback, String runId, StoreBatch batch) {
    LiveRun lr;
    synchronized (this) {
      lr = runs.get(key(call.tenant(), runId));
    }
    if (lr == null) {
      return StepMessages.fromCallback(callback, call);
    }
    synchronized (lr) {
      if (lr.run == null || lr.run.ended()) {
        return null;
      }
      Message stored = StepMessages.fromCallback(callback, lr.run);
      CompletableFuture<Void> written = new CompletableFuture<>();
      lr.callbacksWritten =
          lr.callbacksWritten.isDone()
              ? written
              : CompletableFuture.allOf(lr.callbacksWritten, written);
      synchronized (this) {
        unwritten.computeIfAbsent(batch, b -> newEntry()).add(new Unwritten(lr, written));
      }
      batch.putHistoryEntry(
          new HistoryEntry(
              lr.tenant,
              runId,
              lr.nextSeq++,
              stored.id(),
              stored.body(),
              WorkflowHeaders.FROM_CALLBACK));
      return stored;
    }
  }

  /**
   * An outcome batch is on disk, or will never be: the callbacks it appended are written, or their
   * runs are read again next time (their memory ran ahead of the store).
   */
  void recorded(StoreBatch batch, boolean written) {
    if (tracked.get() == 0) {
      return; // registered before the batch was committed, so this read sees it
    }
    List<Unwritten> done;
    List<LiveRun> ended;
    synchronized (this) {
      done = unwritten.remove(batch);
      ended = ending.remove(batch);
    }
    tracked.addAndGet(-((done == null ? 0 : 1) + (ended == null ? 0 : 1)));
    if (done != null) {
      callbacksRecorded(done, written);
    }
    if (ended != null) {
      for (LiveRun lr : ended) {
        if (written) {
          onEnded.accept(lr);
        } else {
          forget(lr); // its end is not on disk: read it again next time
        }
      }
    }
  }

  /** A new entry of {@link #unwritten} or {@link #ending}, counted in {@link #tracked}. */
  private <T> List<T> newEntry() {
    tracked.incrementAndGet();
    return new ArrayList<>();
  }

  private void callbacksRecorded(List<Unwritten> done, boolean written) {
    for (Unwritten u : done) {
      if (written) {
        u.written().complete(null);
      } else {
        forget(u.run());
        u.written().completeExceptionally(new IllegalStateException("outcome not recorded"));
      }
    }
  }

  /** Drops a run whose in-memory state may not match the store (a write of it failed). */
  synchronized void forget(LiveRun lr) {
    runs.remove(key(lr.tenant, lr.runId), lr);
  }

  synchronized int size() {
    return runs.size();
  }

  private void trim() {
    Iterator<LiveRun> it = runs.values().iterator();
    while (runs.size() > capacity && it.hasNext()) {
      LiveRun eldest = it.next();
      // Else a reload could miss a write not yet on disk.
      if (eldest.lastWrite.isDone() && eldest.callbacksWritten.isDone()) {
        it.remove();
      }
    }
  }

  private static String key(String tenant, String runId) {
    return tenant + '\0' + runId;
  }
}
