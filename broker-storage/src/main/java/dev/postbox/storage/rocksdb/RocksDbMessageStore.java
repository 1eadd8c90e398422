package dev.postbox.storage.rocksdb;

import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.StorageException;
import dev.postbox.core.flow.FlowKey;
import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.publish.DedupRecord;
import dev.postbox.core.queue.Queue;
import dev.postbox.core.queue.QueueRef;
import dev.postbox.core.queue.SlotHolder;
import dev.postbox.core.queue.WaitingEntry;
import dev.postbox.core.schedule.RunState;
import dev.postbox.core.schedule.Schedule;
import dev.postbox.core.schedule.ScheduleRef;
import dev.postbox.core.store.DueRef;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.Page;
import dev.postbox.core.store.Positioned;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.store.StoreOp;
import dev.postbox.core.tenant.SigningKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The {@link MessageStore} on RocksDB: batches are encoded on the caller's thread and written by
 * the {@link GroupCommitter}; reads go straight to RocksDB. Thread-safe.
 */
public final class RocksDbMessageStore implements MessageStore {
  private static final byte[] EMPTY = new byte[0];
  private static final RunState[] RUN_STATES = RunState.values();

  private final RocksDbStorage storage;
  private final GroupCommitter committer;

  /** Log sequence numbers: unique within a process; keys also carry the time. */
  private final AtomicLong logSeq = new AtomicLong();

  /**
   * Places in queue waiting lists: microseconds of wall time, strictly increasing, so places keep
   * growing across restarts. Assigned and submitted under {@link #queueOrder}, so a queue's waiting
   * list is written in the order of its places.
   */
  private final AtomicLong queueSeq = new AtomicLong();

  private final Object queueOrder = new Object();

  /** The default sync window: see {@link GroupCommitter} and {@code --sync-window}. */
  public static final Duration DEFAULT_SYNC_WINDOW = Duration.ofMillis(1);

  /**
   * Bodies of at least this many bytes are stored once, apart from the message record, instead of
   * in the record and again in its CREATED log entry (docs/benchmarks.md, item 20). Smaller ones
   * stay inline: copying them twice costs less than the extra reads and the expiry pass.
   */
  static final int BODY_APART_MIN = 1024;

  private static final int EXPIRY_CHUNK = 1000;

  private RocksDbMessageStore(RocksDbStorage storage, Duration syncWindow) {
    this.storage = storage;
    this.committer = new GroupCommitter(storage.db, syncWindow.toNanos());
  }

  public static RocksDbMessageStore open(Path dir) {
    return open(dir, DEFAULT_SYNC_WINDOW);
  }

  /**
   * Opens the store in {@code dir}. Under load, WAL syncs start at most once a {@code syncWindow}
   * (each covering every synced write since the last), unless many writes wait; 0 syncs back to
   * back.
   */
  public static RocksDbMessageStore open(Path dir, Duration syncWindow) {
    if (syncWindow.isNegative()) {
      throw new IllegalArgumentException("negative sync window");
    }
    return new RocksDbMessageStore(new RocksDbStorage(dir), syncWindow);
  }

  /**
   * Group-commit efficiency: RocksDB writes so far, the submissions they carried, WAL syncs, and
   * the synced submissions those covered.
   */
  public long[] commitStats() {
    return new long[] {
      committer.writes(), committer.submissions(), committer.syncs(), committer.syncedSubmissions()
    };
  }

  /** The underlying database, for tests of the record layout. */
  RocksDbStorage storage() {
    return storage;
  }

  @Override
  public CompletableFuture<Void> commit(StoreBatch batch, Durability durability) {
    if (batch.enqueues()) {
      synchronized (queueOrder) {
        return encodeAndSubmit(batch, durability);
      }
    }
    return encodeAndSubmit(batch, durability);
  }

  private CompletableFuture<Void> encodeAndSubmit(StoreBatch batch, Durability durability) {
    List<GroupCommitter.Mutation> mutations = new ArrayList<>(batch.ops().size() + 1);
    try {
      Set<String> apart = bodiesWrittenApart(batch);
      for (StoreOp op : batch.ops()) {
        encode(op, mutations, apart);
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return committer.submit(mutations, durability == Durability.SYNC);
  }

  private long nextQueueSeq() {
    long micros = System.currentTimeMillis() * 1000;
    return queueSeq.updateAndGet(prev -> Math.max(prev + 1, micros));
  }

  /**
   * The bodies this batch writes apart (as {@link #bodyName}); a log entry of the same message may
   * then leave its body out, since the body is written in the same atomic write. Null when none.
   */
  private static Set<String> bodiesWrittenApart(StoreBatch batch) {
    Set<String> apart = null;
    for (StoreOp op : batch.ops()) {
      if (op instanceof StoreOp.PutMessage p && p.message().body().length >= BODY_APART_MIN) {
        if (apart == null) {
          apart = new HashSet<>();
        }
        apart.add(bodyName(p.message()));
      }
    }
    return apart;
  }

  private static String bodyName(Message m) {
    return m.tenant() + '\0' + m.id() + '\0' + m.createdAt();
  }

  private void encode(StoreOp op, List<GroupCommitter.Mutation> out, Set<String> apart) {
    RocksDbStorage s = storage;
    if (op instanceof StoreOp.PutMessage) {
      Message m = ((StoreOp.PutMessage) op).message();
      byte[] key = Keys.message(m.tenant(), m.id());
      if (m.body().length >= BODY_APART_MIN) {
        // Stored once for the message and its CREATED log entry (rewritten unchanged on a retry).
        out.add(put(s.bodies, Keys.body(m.tenant(), m.createdAt(), m.id()), m.body()));
        out.add(put(s.messages, key, Codec.messageBodyApart(m)));
      } else {
        out.add(put(s.messages, key, Codec.message(m)));
      }
    } else if (op instanceof StoreOp.DeleteMessage) {
      MessageRef r = ((StoreOp.DeleteMessage) op).ref();
      out.add(delete(s.messages, Keys.message(r.tenant(), r.id())));
    } else if (op instanceof StoreOp.PutDue) {
      StoreOp.PutDue p = (StoreOp.PutDue) op;
      // The value is the delivery host when known (entries of older versions have none).
      byte[] host = p.host() == null ? EMPTY : p.host().getBytes(StandardCharsets.UTF_8);
      out.add(put(s.due, Keys.due(p.dueAt(), p.ref()), host));
    } else if (op instanceof StoreOp.DeleteDue) {
      StoreOp.DeleteDue d = (StoreOp.DeleteDue) op;
      out.add(delete(s.due, Keys.due(d.dueAt(), d.ref())));
    } else if (op instanceof StoreOp.PutInFlight) {
      StoreOp.PutInFlight p = (StoreOp.PutInFlight) op;
      out.add(
          put(
              s.inflight,
              Keys.message(p.ref().tenant(), p.ref().id()),
              ByteBuffer.allocate(8).putLong(p.since()).array()));
    } else if (op instanceof StoreOp.DeleteInFlight) {
      MessageRef r = ((StoreOp.DeleteInFlight) op).ref();
      out.add(delete(s.inflight, Keys.message(r.tenant(), r.id())));
    } else if (op instanceof StoreOp.AppendLog) {
      LogEntry e = ((StoreOp.AppendLog) op).entry();
      boolean bodyApart =
          apart != null
              && e.message().body().length >= BODY_APART_MIN
              && apart.contains(bodyName(e.message()));
      byte[] key = Keys.timeSeq(e.tenant(), e.time(), logSeq.incrementAndGet());
      out.add(put(s.logs, key, Codec.log(e, bodyApart)));
    } else if (op instanceof StoreOp.PutDlq) {
      DlqEntry e = ((StoreOp.PutDlq) op).entry();
      byte[] key = Keys.positionKey(e.tenant(), e.dlqId());
      if (key == null) {
        throw new IllegalArgumentException("malformed dlqId " + e.dlqId());
      }
      out.add(put(s.dlq, key, Codec.dlq(e)));
    } else if (op instanceof StoreOp.DeleteDlq) {
      StoreOp.DeleteDlq d = (StoreOp.DeleteDlq) op;
      byte[] key = Keys.positionKey(d.tenant(), d.dlqId());
      if (key != null) {
        out.add(delete(s.dlq, key));
      }
    } else if (op instanceof StoreOp.PutSigningKeys) {
      StoreOp.PutSigningKeys k = (StoreOp.PutSigningKeys) op;
      out.add(put(s.meta, Keys.signingKeys(k.tenant()), Codec.keys(k.keys())));
    } else if (op instanceof StoreOp.PutDedup) {
      DedupRecord r = ((StoreOp.PutDedup) op).record();
      out.add(put(s.dedup, Keys.message(r.tenant(), r.id()), Codec.dedup(r)));
      out.add(put(s.dedupExpiry, Keys.dedupExpiry(r.tenant(), r.expiresAt(), r.id()), EMPTY));
    } else if (op instanceof StoreOp.PutGroup) {
      UrlGroup g = ((StoreOp.PutGroup) op).group();
      out.add(put(s.groups, Keys.message(g.tenant(), g.name()), Codec.group(g)));
    } else if (op instanceof StoreOp.DeleteGroup) {
      StoreOp.DeleteGroup d = (StoreOp.DeleteGroup) op;
      out.add(delete(s.groups, Keys.message(d.tenant(), d.name())));
    } else if (op instanceof StoreOp.PutSchedule) {
      Schedule sc = ((StoreOp.PutSchedule) op).schedule();
      out.add(put(s.schedules, Keys.schedule(sc.tenant(), sc.id()), Codec.schedule(sc)));
    } else if (op instanceof StoreOp.DeleteSchedule) {
      ScheduleRef r = ((StoreOp.DeleteSchedule) op).ref();
      out.add(delete(s.schedules, Keys.schedule(r.tenant(), r.id())));
    } else if (op instanceof StoreOp.PutRunState) {
      StoreOp.PutRunState r = (StoreOp.PutRunState) op;
      byte[] key = Keys.run(r.ref().tenant(), r.ref().id(), r.messageId());
      out.add(put(s.scheduleRuns, key, new byte[] {(byte) r.state().ordinal()}));
    } else if (op instanceof StoreOp.DeleteRunState) {
      StoreOp.DeleteRunState r = (StoreOp.DeleteRunState) op;
      out.add(delete(s.scheduleRuns, Keys.run(r.ref().tenant(), r.ref().id(), r.messageId())));
    } else if (op instanceof StoreOp.PutFlowKey f) {
      FlowKey k = f.key();
      out.add(put(s.flowKeys, Keys.message(k.tenant(), k.key()), Codec.flowKey(k)));
    } else if (op instanceof StoreOp.PutQueue q) {
      Queue queue = q.queue();
      out.add(put(s.queues, Keys.message(queue.tenant(), queue.name()), Codec.queue(queue)));
    } else if (op instanceof StoreOp.DeleteQueue q) {
      out.add(delete(s.queues, Keys.message(q.tenant(), q.name())));
    } else if (op instanceof StoreOp.PutQueued q) {
      long seq = nextQueueSeq();
      out.add(
          put(
              s.queueWaiting,
              Keys.waiting(q.tenant(), q.queue(), seq),
              Codec.waiting(q.messageId(), q.dueAt())));
      out.add(
          put(
              s.queueMembers,
              Keys.message(q.tenant(), q.messageId()),
              Codec.member(q.queue(), seq)));
    } else if (op instanceof StoreOp.DeleteQueued q) {
      out.add(delete(s.queueWaiting, Keys.waiting(q.tenant(), q.queue(), q.seq())));
      out.add(delete(s.queueMembers, Keys.message(q.tenant(), q.messageId())));
    } else if (op instanceof StoreOp.PromoteQueued q) {
      out.add(delete(s.queueWaiting, Keys.waiting(q.tenant(), q.queue(), q.seq())));
      out.add(delete(s.queueMembers, Keys.message(q.tenant(), q.messageId())));
      out.add(
          put(
              s.queueSlots,
              Keys.slot(q.tenant(), q.queue(), q.messageId()),
              Codec.str(q.messageId())));
      out.add(put(s.due, Keys.due(q.dueAt(), new MessageRef(q.tenant(), q.messageId())), EMPTY));
    } else if (op instanceof StoreOp.PutSlotHolder h) {
      out.add(
          put(s.queueSlots, Keys.slot(h.tenant(), h.queue(), h.holderId()), Codec.str(h.token())));
    } else if (op instanceof StoreOp.DeleteSlotHolder h) {
      out.add(delete(s.queueSlots, Keys.slot(h.tenant(), h.queue(), h.holderId())));
    } else {
      throw new IllegalArgumentException("unknown store operation " + op);
    }
  }

  private static GroupCommitter.Mutation put(ColumnFamilyHandle cf, byte[] k, byte[] v) {
    return new GroupCommitter.Mutation(cf, k, v);
  }

  private static GroupCommitter.Mutation delete(ColumnFamilyHandle cf, byte[] k) {
    return new GroupCommitter.Mutation(cf, k, null);
  }

  @Override
  public Optional<Message> findMessage(MessageRef ref) {
    byte[] v = get(storage.messages, Keys.message(ref.tenant(), ref.id()));
    return v == null ? Optional.empty() : withBody(Codec.message(v), v);
  }

  /**
   * A message read from its record, with its body when that is stored apart; empty when the message
   * was finished (and its body expired) between the two reads.
   */
  private Optional<Message> withBody(Message m, byte[] record) {
    if (!Codec.bodyApart(record)) {
      return Optional.of(m);
    }
    byte[] body = get(storage.bodies, Keys.body(m.tenant(), m.createdAt(), m.id()));
    if (body != null) {
      return Optional.of(m.toBuilder().withBody(body).build());
    }
    if (get(storage.messages, Keys.message(m.tenant(), m.id())) == null) {
      return Optional.empty();
    }
    throw new StorageException(
        ErrorCode.STORAGE_UNAVAILABLE, "corrupt store: the body of message " + m.id() + " is gone");
  }

  @Override
  public List<DueRef> scanDue(DueRef after, long to, int limit) {
    try (RocksIterator it = storage.db.newIterator(storage.due)) {
      seekAfter(it, after);
      return scanDue(it, to, limit);
    }
  }

  @Override
  public List<DueRef> scanDueFrom(DueRef from, long to, int limit) {
    try (RocksIterator it = storage.db.newIterator(storage.due)) {
      it.seek(Keys.due(from.dueAt(), from.ref())); // the first key at or after it
      return scanDue(it, to, limit);
    }
  }

  private List<DueRef> scanDue(RocksIterator it, long to, int limit) {
    List<DueRef> out = new ArrayList<>();
    for (; it.isValid() && out.size() < limit; it.next()) {
      DueRef d = Keys.parseDue(it.key(), it.value());
      if (d.dueAt() > to) {
        break;
      }
      out.add(d);
    }
    check(it);
    return out;
  }

  @Override
  public Optional<DueRef> firstDue(DueRef after) {
    try (RocksIterator it = storage.db.newIterator(storage.due)) {
      seekAfter(it, after);
      if (it.isValid()) {
        return Optional.of(Keys.parseDue(it.key()));
      }
      check(it);
      return Optional.empty();
    }
  }

  /** Positions the iterator on the first key strictly after {@code key}. */
  private static void seekPast(RocksIterator it, byte[] key) {
    it.seek(key);
    if (it.isValid() && java.util.Arrays.equals(it.key(), key)) {
      it.next();
    }
  }

  /** Positions the iterator on the first due entry strictly after {@code after}. */
  private static void seekAfter(RocksIterator it, DueRef after) {
    if (after == null) {
      it.seekToFirst();
      return;
    }
    seekPast(it, Keys.due(after.dueAt(), after.ref()));
  }

  @Override
  public List<MessageRef> inFlight() {
    List<MessageRef> out = new ArrayList<>();
    try (RocksIterator it = storage.db.newIterator(storage.inflight)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(Keys.parseMessage(it.key()));
      }
      check(it);
    }
    return out;
  }

  @Override
  public List<Message> scanMessages(
      String tenant, String afterId, int limit, Predicate<Message> filter) {
    byte[] prefix = Keys.tenantPrefix(tenant);
    List<Message> out = new ArrayList<>();
    try (Slice upper = new Slice(Keys.upperBound(prefix));
        ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = storage.db.newIterator(storage.messages, ro)) {
      if (afterId == null) {
        it.seek(prefix);
      } else {
        seekPast(it, Keys.message(tenant, afterId));
      }
      for (; it.isValid() && out.size() < limit; it.next()) {
        byte[] v = it.value();
        Optional<Message> m = withBody(Codec.message(v), v);
        if (m.isPresent() && filter.test(m.get())) {
          out.add(m.get());
        }
      }
      check(it);
    }
    return out;
  }

  @Override
  public Page<Positioned<LogEntry>> listLogs(
      String tenant, String cursor, int limit, boolean newestFirst, Predicate<LogEntry> filter) {
    List<Positioned<LogEntry>> items = new ArrayList<>();
    String next =
        page(
            storage.logs,
            tenant,
            cursor,
            limit,
            newestFirst,
            (key, value) -> {
              LogEntry e = Codec.log(value);
              if (Codec.bodyApart(value)) {
                e = withLoggedBody(e);
              }
              return filter.test(e) ? new Positioned<>(Keys.position(key), e) : null;
            },
            items);
    return new Page<>(items, next);
  }

  /** A log entry whose body is stored apart, with that body (empty if it has expired since). */
  private LogEntry withLoggedBody(LogEntry e) {
    Message m = e.message();
    byte[] body = get(storage.bodies, Keys.body(m.tenant(), m.createdAt(), m.id()));
    return body == null ? e : e.withMessage(m.toBuilder().withBody(body).build());
  }

  @Override
  public void expireLogs(String tenant, long before) {
    expireBodies(tenant, before);
    deleteOlder(storage.logs, tenant, before);
  }

  /**
   * Deletes the bodies stored apart of messages created before {@code before} (whose CREATED log
   * entries go in the same pass) that have no record left. A message still pending keeps its body;
   * a later pass deletes it once the message is finished.
   */
  private void expireBodies(String tenant, long before) {
    if (before <= 0) {
      return;
    }
    List<GroupCommitter.Mutation> deletes = new ArrayList<>();
    try (Slice upper = new Slice(Keys.body(tenant, before, ""));
        ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = storage.db.newIterator(storage.bodies, ro)) {
      for (it.seek(Keys.body(tenant, 0, "")); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (get(storage.messages, Keys.message(tenant, Keys.bodyId(tenant, key))) == null) {
          deletes.add(delete(storage.bodies, key));
        }
        if (deletes.size() == EXPIRY_CHUNK) {
          committer.submit(deletes, false).join();
          deletes = new ArrayList<>();
        }
      }
      check(it);
    }
    if (!deletes.isEmpty()) {
      committer.submit(deletes, false).join();
    }
  }

  @Override
  public Optional<DlqEntry> findDlq(String tenant, String dlqId) {
    byte[] key = Keys.positionKey(tenant, dlqId);
    if (key == null) {
      return Optional.empty();
    }
    byte[] v = get(storage.dlq, key);
    return v == null ? Optional.empty() : Optional.of(Codec.dlq(v));
  }

  @Override
  public Page<DlqEntry> listDlq(
      String tenant, String cursor, int limit, boolean newestFirst, Predicate<DlqEntry> filter) {
    List<DlqEntry> items = new ArrayList<>();
    String next =
        page(
            storage.dlq,
            tenant,
            cursor,
            limit,
            newestFirst,
            (key, value) -> {
              DlqEntry e = Codec.dlq(value);
              return filter.test(e) ? e : null;
            },
            items);
    return new Page<>(items, next);
  }

  @Override
  public void expireDlq(String tenant, long before) {
    deleteOlder(storage.dlq, tenant, before);
  }

  @Override
  public Optional<SigningKeys> findSigningKeys(String tenant) {
    byte[] v = get(storage.meta, Keys.signingKeys(tenant));
    return v == null ? Optional.empty() : Optional.of(Codec.keys(v));
  }

  @Override
  public Optional<DedupRecord> findDedup(String tenant, String id) {
    byte[] v = get(storage.dedup, Keys.message(tenant, id));
    return v == null ? Optional.empty() : Optional.of(Codec.dedup(v));
  }

  /**
   * Walks the tenant's expiry index up to {@code now}: deletes each record whose window has ended
   * (a record re-used since has a later expiry and stays), then the walked index range.
   */
  @Override
  public int expireDedup(String tenant, long now) {
    byte[] from = Keys.dedupExpiry(tenant, 0, "");
    byte[] to = Keys.dedupExpiry(tenant, now, "");
    int n = 0;
    try (Slice upper = new Slice(to);
        ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = storage.db.newIterator(storage.dedupExpiry, ro);
        WriteBatch batch = new WriteBatch();
        WriteOptions wo = new WriteOptions()) {
      for (it.seek(from); it.isValid(); it.next()) {
        byte[] key = Keys.message(tenant, Keys.dedupIdOf(tenant, it.key()));
        byte[] v = storage.db.get(storage.dedup, key);
        if (v != null && Codec.dedup(v).expiresAt() <= now) {
          batch.delete(storage.dedup, key);
          n++;
        }
      }
      check(it);
      batch.deleteRange(storage.dedupExpiry, from, to);
      storage.db.write(wo, batch);
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB dedup expiry failed: " + e.getMessage(), e);
    }
    return n;
  }

  @Override
  public Optional<UrlGroup> findGroup(String tenant, String name) {
    byte[] v = get(storage.groups, Keys.message(tenant, name));
    return v == null ? Optional.empty() : Optional.of(Codec.group(v));
  }

  @Override
  public List<UrlGroup> listGroups(String tenant) {
    List<UrlGroup> out = new ArrayList<>();
    scanPrefix(storage.groups, Keys.tenantPrefix(tenant), (k, v) -> out.add(Codec.group(v)));
    return out;
  }

  @Override
  public List<FlowKey> listFlowKeys() {
    List<FlowKey> out = new ArrayList<>();
    scanPrefix(storage.flowKeys, null, (k, v) -> out.add(Codec.flowKey(v)));
    return out;
  }

  @Override
  public Optional<FlowKey> findFlowKey(String tenant, String key) {
    byte[] k = Keys.message(tenant, key);
    if (!storage.db.keyMayExist(storage.flowKeys, k, null)) {
      return Optional
          .empty(); // a new key, known from the filters alone (a get of a miss costs more)
    }
    byte[] v = get(storage.flowKeys, k);
    return v == null ? Optional.empty() : Optional.of(Codec.flowKey(v));
  }

  @Override
  public Optional<Queue> findQueue(String tenant, String name) {
    byte[] v = get(storage.queues, Keys.message(tenant, name));
    return v == null ? Optional.empty() : Optional.of(Codec.queue(v));
  }

  @Override
  public List<Queue> listQueues(String tenant) {
    List<Queue> out = new ArrayList<>();
    byte[] prefix = tenant == null ? null : Keys.tenantPrefix(tenant);
    scanPrefix(storage.queues, prefix, (k, v) -> out.add(Codec.queue(v)));
    return out;
  }

  @Override
  public List<WaitingEntry> scanWaiting(String tenant, String queue, long afterSeq, int limit) {
    List<WaitingEntry> out = new ArrayList<>();
    if (limit <= 0) {
      return out;
    }
    scan(
        storage.queueWaiting,
        Keys.queuePrefix(tenant, queue),
        afterSeq < 0 ? null : Keys.waiting(tenant, queue, afterSeq + 1),
        (k, v) -> {
          Map.Entry<String, Long> w = Codec.strLong(v);
          out.add(new WaitingEntry(tenant, queue, Keys.waitingSeq(k), w.getKey(), w.getValue()));
          return out.size() < limit;
        });
    return out;
  }

  @Override
  public Optional<WaitingEntry> findWaiting(String tenant, String messageId) {
    byte[] v = get(storage.queueMembers, Keys.message(tenant, messageId));
    if (v == null) {
      return Optional.empty();
    }
    Map.Entry<String, Long> m = Codec.strLong(v);
    byte[] w = get(storage.queueWaiting, Keys.waiting(tenant, m.getKey(), m.getValue()));
    long dueAt = w == null ? 0 : Codec.strLong(w).getValue();
    return Optional.of(new WaitingEntry(tenant, m.getKey(), m.getValue(), messageId, dueAt));
  }

  @Override
  public Map<QueueRef, Long> waitingCounts() {
    Map<QueueRef, Long> out = new HashMap<>();
    scanPrefix(
        storage.queueWaiting,
        null,
        (k, v) -> {
          String[] parts = Keys.queueKeyParts(k, true);
          out.merge(new QueueRef(parts[0], parts[1]), 1L, Long::sum);
        });
    return out;
  }

  @Override
  public List<SlotHolder> slotHolders() {
    List<SlotHolder> out = new ArrayList<>();
    scanPrefix(
        storage.queueSlots,
        null,
        (k, v) -> {
          String[] parts = Keys.queueKeyParts(k, false);
          out.add(new SlotHolder(parts[0], parts[1], parts[2], Codec.str(v)));
        });
    return out;
  }

  /** Calls {@code f} for every entry whose key starts with {@code prefix} (null: all). */
  private void scanPrefix(
      ColumnFamilyHandle cf, byte[] prefix, java.util.function.BiConsumer<byte[], byte[]> f) {
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
  private void scan(
      ColumnFamilyHandle cf,
      byte[] prefix,
      byte[] from,
      java.util.function.BiPredicate<byte[], byte[]> f) {
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

  @Override
  public Optional<Schedule> findSchedule(ScheduleRef ref) {
    byte[] v = get(storage.schedules, Keys.schedule(ref.tenant(), ref.id()));
    return v == null ? Optional.empty() : Optional.of(Codec.schedule(v));
  }

  @Override
  public List<Schedule> scanSchedules(String tenant, ScheduleRef after, int limit) {
    List<Schedule> out = new ArrayList<>();
    byte[] upperKey = tenant == null ? null : Keys.upperBound(Keys.tenantPrefix(tenant));
    try (Slice upper = upperKey == null ? null : new Slice(upperKey);
        ReadOptions ro = new ReadOptions();
        RocksIterator it =
            storage.db.newIterator(
                storage.schedules, upper == null ? ro : ro.setIterateUpperBound(upper))) {
      if (after != null) {
        seekPast(it, Keys.schedule(after.tenant(), after.id()));
      } else if (tenant != null) {
        it.seek(Keys.tenantPrefix(tenant));
      } else {
        it.seekToFirst();
      }
      for (; it.isValid() && out.size() < limit; it.next()) {
        out.add(Codec.schedule(it.value()));
      }
      check(it);
    }
    return out;
  }

  @Override
  public Map<String, RunState> runStates(ScheduleRef ref) {
    byte[] prefix = Keys.runPrefix(ref.tenant(), ref.id());
    Map<String, RunState> out = new HashMap<>();
    scanPrefix(
        storage.scheduleRuns,
        prefix,
        (k, v) ->
            out.put(
                new String(k, prefix.length, k.length - prefix.length, StandardCharsets.UTF_8),
                RUN_STATES[v[0]]));
    return out;
  }

  @Override
  public long approximateSizeBytes() {
    long n = 0;
    try {
      for (ColumnFamilyHandle cf : storage.families()) {
        n += storage.db.getLongProperty(cf, "rocksdb.live-sst-files-size");
        n += storage.db.getLongProperty(cf, "rocksdb.cur-size-all-mem-tables");
      }
    } catch (RocksDBException e) {
      throw new StorageException("cannot read RocksDB size: " + e.getMessage(), e);
    }
    return n;
  }

  @Override
  public void reclaimSpace() {
    try (org.rocksdb.FlushOptions flush = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
      for (ColumnFamilyHandle cf : storage.families()) {
        storage.db.flush(flush, cf);
        storage.db.compactRange(cf);
      }
    } catch (RocksDBException e) {
      throw new StorageException("cannot reclaim RocksDB space: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    committer.close();
    storage.close();
  }

  /** Decodes a key/value into an item, or null when the filter rejects it. */
  private interface Decoder<T> {
    T decode(byte[] key, byte[] value);
  }

  /**
   * Walks a tenant's time-ordered range from after {@code cursor}, collecting up to {@code limit}
   * matches; returns the last match's position when more entries follow, else null.
   */
  private <T> String page(
      ColumnFamilyHandle cf,
      String tenant,
      String cursor,
      int limit,
      boolean newestFirst,
      Decoder<T> decoder,
      List<T> out) {
    byte[] prefix = Keys.tenantPrefix(tenant);
    byte[] cursorKey = Keys.positionKey(tenant, cursor);
    byte[] lastKey = null;
    try (Slice lower = new Slice(prefix);
        Slice upper = new Slice(Keys.upperBound(prefix));
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = storage.db.newIterator(cf, ro)) {
      if (newestFirst) {
        if (cursorKey == null) {
          it.seekToLast();
        } else {
          it.seekForPrev(cursorKey);
          if (it.isValid() && java.util.Arrays.equals(it.key(), cursorKey)) {
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

  private void deleteOlder(ColumnFamilyHandle cf, String tenant, long before) {
    if (before <= 0) {
      return;
    }
    try {
      storage.db.deleteRange(cf, Keys.timeSeq(tenant, 0, 0), Keys.timeSeq(tenant, before, 0));
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB range delete failed: " + e.getMessage(), e);
    }
  }

  private byte[] get(ColumnFamilyHandle cf, byte[] key) {
    try {
      return storage.db.get(cf, key);
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB read failed: " + e.getMessage(), e);
    }
  }

  private static void check(RocksIterator it) {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw new StorageException("RocksDB iteration failed: " + e.getMessage(), e);
    }
  }
}
