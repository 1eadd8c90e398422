package dev.postbox.core.testing;

import dev.postbox.core.flow.FlowKey;
import dev.postbox.core.flow.FlowRef;
import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.EndedMessage;
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
import dev.postbox.core.workflow.FailureCall;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.RunListing;
import dev.postbox.core.workflow.WaitEvent;
import dev.postbox.core.workflow.Waiter;
import dev.postbox.core.workflow.WorkflowRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A {@link MessageStore} in memory, for unit tests. Commits apply at once, in order, under one
 * lock. Thread-safe.
 */
public final class InMemoryMessageStore implements MessageStore {
  private static final Comparator<DueRef> DUE_ORDER =
      Comparator.comparingLong(DueRef::dueAt)
          .thenComparing(d -> d.ref().tenant())
          .thenComparing(d -> d.ref().id());

  private final Map<String, TreeMap<String, Message>> messages = new HashMap<>();
  private final TreeSet<DueRef> due = new TreeSet<>(DUE_ORDER);

  /** {@link #findMessage} calls so far (tests of how often the dispatcher reads messages). */
  public int messageReads;

  /**
   * Runs at the start of every {@link #findMessage}, outside the store's lock: tests use it to
   * change the store between two reads of the code under test.
   */
  public volatile Consumer<MessageRef> beforeFindMessage = ref -> {};

  /** Due entries {@link #scanDue} returned so far. */
  public long dueScanned;

  private final Map<MessageRef, Long> inFlight = new HashMap<>();
  private final Map<String, TreeMap<Pos, LogEntry>> logs = new HashMap<>();
  private final Map<String, TreeMap<Pos, DlqEntry>> dlq = new HashMap<>();
  private final Map<String, SigningKeys> keys = new HashMap<>();
  private final TreeMap<ScheduleRef, Schedule> schedules =
      new TreeMap<>(Comparator.comparing(ScheduleRef::tenant).thenComparing(ScheduleRef::id));
  private final Map<ScheduleRef, Map<String, RunState>> runStates = new HashMap<>();
  private final Map<String, TreeMap<String, UrlGroup>> groups = new HashMap<>();
  private final Map<String, Map<String, DedupRecord>> dedup = new HashMap<>();
  private final TreeMap<QueueRef, Queue> queues =
      new TreeMap<>(Comparator.comparing(QueueRef::tenant).thenComparing(QueueRef::name));
  private final Map<QueueRef, TreeMap<Long, WaitingEntry>> waiting = new HashMap<>();
  private final Map<MessageRef, WaitingEntry> waitingByMessage = new HashMap<>();
  private final Map<MessageRef, SlotHolder> holders = new HashMap<>();
  private long seq;
  private final InMemoryWorkflowRecords workflows = new InMemoryWorkflowRecords();
  private final InMemoryWaitRecords waits = new InMemoryWaitRecords();
  private long queueSeq;
  private final Map<FlowRef, FlowKey> flowKeys = new LinkedHashMap<>();
  private final Map<MessageRef, EndedMessage> ended = new HashMap<>();

  /** A position {@code time-seq}, ordered numerically. */
  private record Pos(long time, long seq) implements Comparable<Pos> {
    static Pos parse(String s) {
      if (s == null) {
        return null;
      }
      int dash = s.indexOf('-');
      try {
        return new Pos(Long.parseLong(s.substring(0, dash)), Long.parseLong(s.substring(dash + 1)));
      } catch (RuntimeException e) {
        return null;
      }
    }

    @Override
    public int compareTo(Pos o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public String toString() {
      return time + "-" + seq;
    }
  }

  @Override
  public synchronized CompletableFuture<Void> commit(StoreBatch batch, Durability durability) {
    for (StoreOp op : batch.ops()) {
      apply(op);
    }
    return CompletableFuture.completedFuture(null);
  }

  private void apply(StoreOp op) {
    if (workflows.apply(op) || waits.apply(op)) {
      return;
    }
    if (op instanceof StoreOp.PutMessage) {
      Message m = ((StoreOp.PutMessage) op).message();
      messages.computeIfAbsent(m.tenant(), t -> new TreeMap<>()).put(m.id(), m);
    } else if (op instanceof StoreOp.DeleteMessage) {
      MessageRef r = ((StoreOp.DeleteMessage) op).ref();
      TreeMap<String, Message> t = messages.get(r.tenant());
      if (t != null) {
        t.remove(r.id());
      }
    } else if (op instanceof StoreOp.PutEnded p) {
      ended.put(p.message().ref(), new EndedMessage(p.message(), p.state(), p.endedAt()));
    } else if (op instanceof StoreOp.PutDue) {
      StoreOp.PutDue p = (StoreOp.PutDue) op;
      DueRef d = new DueRef(p.dueAt(), p.ref(), p.host());
      due.remove(d); // a put replaces the entry's host, as in RocksDB
      due.add(d);
    } else if (op instanceof StoreOp.DeleteDue) {
      StoreOp.DeleteDue d = (StoreOp.DeleteDue) op;
      due.remove(new DueRef(d.dueAt(), d.ref()));
    } else if (op instanceof StoreOp.PutInFlight) {
      StoreOp.PutInFlight p = (StoreOp.PutInFlight) op;
      inFlight.put(p.ref(), p.since());
    } else if (op instanceof StoreOp.DeleteInFlight) {
      inFlight.remove(((StoreOp.DeleteInFlight) op).ref());
    } else if (op instanceof StoreOp.AppendLog) {
      LogEntry e = ((StoreOp.AppendLog) op).entry();
      logs.computeIfAbsent(e.tenant(), t -> new TreeMap<>()).put(new Pos(e.time(), seq++), e);
    } else if (op instanceof StoreOp.PutDlq) {
      DlqEntry e = ((StoreOp.PutDlq) op).entry();
      Pos p = Pos.parse(e.dlqId());
      if (p != null) {
        dlq.computeIfAbsent(e.tenant(), t -> new TreeMap<>()).put(p, e);
      }
    } else if (op instanceof StoreOp.DeleteDlq) {
      StoreOp.DeleteDlq d = (StoreOp.DeleteDlq) op;
      Pos p = Pos.parse(d.dlqId());
      TreeMap<Pos, DlqEntry> t = dlq.get(d.tenant());
      if (p != null && t != null) {
        t.remove(p);
      }
    } else if (op instanceof StoreOp.PutSigningKeys) {
      StoreOp.PutSigningKeys k = (StoreOp.PutSigningKeys) op;
      keys.put(k.tenant(), k.keys());
    } else if (op instanceof StoreOp.PutDedup) {
      DedupRecord r = ((StoreOp.PutDedup) op).record();
      dedup.computeIfAbsent(r.tenant(), t -> new HashMap<>()).put(r.id(), r);
    } else if (op instanceof StoreOp.PutFlowKey f) {
      flowKeys.put(f.key().ref(), f.key());
    } else if (op instanceof StoreOp.PutQueue q) {
      queues.put(q.queue().ref(), q.queue());
    } else if (op instanceof StoreOp.DeleteQueue q) {
      queues.remove(new QueueRef(q.tenant(), q.name()));
    } else if (op instanceof StoreOp.PutQueued q) {
      WaitingEntry w =
          new WaitingEntry(q.tenant(), q.queue(), ++queueSeq, q.messageId(), q.dueAt());
      waiting
          .computeIfAbsent(new QueueRef(q.tenant(), q.queue()), r -> new TreeMap<>())
          .put(w.seq(), w);
      waitingByMessage.put(new MessageRef(q.tenant(), q.messageId()), w);
    } else if (op instanceof StoreOp.DeleteQueued q) {
      removeWaiting(q.tenant(), q.queue(), q.seq(), q.messageId());
    } else if (op instanceof StoreOp.PromoteQueued q) {
      removeWaiting(q.tenant(), q.queue(), q.seq(), q.messageId());
      MessageRef ref = new MessageRef(q.tenant(), q.messageId());
      holders.put(ref, new SlotHolder(q.tenant(), q.queue(), q.messageId(), q.messageId()));
      due.add(new DueRef(q.dueAt(), ref));
    } else if (op instanceof StoreOp.PutSlotHolder h) {
      holders.put(
          new MessageRef(h.tenant(), h.holderId()),
          new SlotHolder(h.tenant(), h.queue(), h.holderId(), h.token()));
    } else if (op instanceof StoreOp.DeleteSlotHolder h) {
      holders.remove(new MessageRef(h.tenant(), h.holderId()));
    } else if (op instanceof StoreOp.PutGroup) {
      UrlGroup g = ((StoreOp.PutGroup) op).group();
      groups.computeIfAbsent(g.tenant(), t -> new TreeMap<>()).put(g.name(), g);
    } else if (op instanceof StoreOp.DeleteGroup) {
      StoreOp.DeleteGroup d = (StoreOp.DeleteGroup) op;
      TreeMap<String, UrlGroup> t = groups.get(d.tenant());
      if (t != null) {
        t.remove(d.name());
      }
    } else if (op instanceof StoreOp.PutSchedule) {
      Schedule sc = ((StoreOp.PutSchedule) op).schedule();
      schedules.put(sc.ref(), sc);
    } else if (op instanceof StoreOp.DeleteSchedule) {
      schedules.remove(((StoreOp.DeleteSchedule) op).ref());
    } else if (op instanceof StoreOp.PutRunState) {
      StoreOp.PutRunState r = (StoreOp.PutRunState) op;
      runStates.computeIfAbsent(r.ref(), x -> new HashMap<>()).put(r.messageId(), r.state());
    } else if (op instanceof StoreOp.DeleteRunState) {
      StoreOp.DeleteRunState r = (StoreOp.DeleteRunState) op;
      Map<String, RunState> m = runStates.get(r.ref());
      if (m != null) {
        m.remove(r.messageId());
      }
    }
  }

  @Override
  public synchronized Optional<DedupRecord> findDedup(String tenant, String id) {
    return Optional.ofNullable(dedup.getOrDefault(tenant, Map.of()).get(id));
  }

  @Override
  public synchronized int expireDedup(String tenant, long now) {
    Map<String, DedupRecord> t = dedup.getOrDefault(tenant, new HashMap<>());
    int before = t.size();
    t.values().removeIf(r -> r.expiresAt() <= now);
    return before - t.size();
  }

  @Override
  public synchronized Optional<UrlGroup> findGroup(String tenant, String name) {
    TreeMap<String, UrlGroup> t = groups.get(tenant);
    return Optional.ofNullable(t == null ? null : t.get(name));
  }

  @Override
  public synchronized List<UrlGroup> listGroups(String tenant) {
    return new ArrayList<>(groups.getOrDefault(tenant, new TreeMap<>()).values());
  }

  private void removeWaiting(String tenant, String queue, long seq, String messageId) {
    TreeMap<Long, WaitingEntry> q = waiting.get(new QueueRef(tenant, queue));
    if (q != null) {
      q.remove(seq);
    }
    waitingByMessage.remove(new MessageRef(tenant, messageId));
  }

  @Override
  public synchronized List<FlowKey> listFlowKeys() {
    return new ArrayList<>(flowKeys.values());
  }

  @Override
  public synchronized Optional<FlowKey> findFlowKey(String tenant, String key) {
    return Optional.ofNullable(flowKeys.get(new FlowRef(tenant, key)));
  }

  @Override
  public synchronized Optional<Queue> findQueue(String tenant, String name) {
    return Optional.ofNullable(queues.get(new QueueRef(tenant, name)));
  }

  @Override
  public synchronized List<Queue> listQueues(String tenant) {
    List<Queue> out = new ArrayList<>();
    for (Queue q : queues.values()) {
      if (tenant == null || tenant.equals(q.tenant())) {
        out.add(q);
      }
    }
    return out;
  }

  @Override
  public synchronized List<WaitingEntry> scanWaiting(
      String tenant, String queue, long afterSeq, int limit) {
    TreeMap<Long, WaitingEntry> q =
        waiting.getOrDefault(new QueueRef(tenant, queue), new TreeMap<>());
    List<WaitingEntry> out = new ArrayList<>();
    for (WaitingEntry w : q.tailMap(afterSeq, false).values()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(w);
    }
    return out;
  }

  @Override
  public synchronized Optional<WaitingEntry> findWaiting(String tenant, String messageId) {
    return Optional.ofNullable(waitingByMessage.get(new MessageRef(tenant, messageId)));
  }

  @Override
  public synchronized Map<QueueRef, Long> waitingCounts() {
    Map<QueueRef, Long> out = new HashMap<>();
    waiting.forEach(
        (ref, q) -> {
          if (!q.isEmpty()) {
            out.put(ref, (long) q.size());
          }
        });
    return out;
  }

  @Override
  public synchronized List<SlotHolder> slotHolders() {
    return new ArrayList<>(holders.values());
  }

  @Override
  public synchronized Optional<Schedule> findSchedule(ScheduleRef ref) {
    return Optional.ofNullable(schedules.get(ref));
  }

  @Override
  public synchronized List<Schedule> scanSchedules(String tenant, ScheduleRef after, int limit) {
    List<Schedule> out = new ArrayList<>();
    for (Schedule sc : (after == null ? schedules : schedules.tailMap(after, false)).values()) {
      if (out.size() >= limit) {
        break;
      }
      if (tenant == null || tenant.equals(sc.tenant())) {
        out.add(sc);
      }
    }
    return out;
  }

  @Override
  public synchronized Map<String, RunState> runStates(ScheduleRef ref) {
    return Map.copyOf(runStates.getOrDefault(ref, Map.of()));
  }

  @Override
  public Optional<Message> findMessage(MessageRef ref) {
    beforeFindMessage.accept(ref);
    synchronized (this) {
      messageReads++;
      TreeMap<String, Message> t = messages.get(ref.tenant());
      return Optional.ofNullable(t == null ? null : t.get(ref.id()));
    }
  }

  @Override
  public synchronized Optional<EndedMessage> findEnded(MessageRef ref) {
    return Optional.ofNullable(ended.get(ref));
  }

  @Override
  public synchronized int expireEnded(String tenant, long before) {
    int n = ended.size();
    ended.values().removeIf(e -> e.ref().tenant().equals(tenant) && e.endedAt() < before);
    return n - ended.size();
  }

  @Override
  public synchronized List<DueRef> scanDue(DueRef after, long to, int limit) {
    return scan(after == null ? due : due.tailSet(after, false), to, limit);
  }

  @Override
  public synchronized List<DueRef> scanDueFrom(DueRef from, long to, int limit) {
    return scan(due.tailSet(from, true), to, limit);
  }

  private List<DueRef> scan(Iterable<DueRef> entries, long to, int limit) {
    List<DueRef> out = new ArrayList<>();
    for (DueRef d : entries) {
      if (d.dueAt() > to || out.size() >= limit) {
        break;
      }
      out.add(d);
    }
    dueScanned += out.size();
    return out;
  }

  @Override
  public synchronized Optional<DueRef> firstDue(DueRef after) {
    return Optional.ofNullable(
        after == null ? (due.isEmpty() ? null : due.first()) : due.higher(after));
  }

  @Override
  public synchronized List<MessageRef> inFlight() {
    return new ArrayList<>(inFlight.keySet());
  }

  @Override
  public synchronized List<Message> scanMessages(
      String tenant, String afterId, int limit, Predicate<Message> filter) {
    TreeMap<String, Message> t = messages.getOrDefault(tenant, new TreeMap<>());
    NavigableMap<String, Message> tail = afterId == null ? t : t.tailMap(afterId, false);
    List<Message> out = new ArrayList<>();
    for (Message m : tail.values()) {
      if (out.size() >= limit) {
        break;
      }
      if (filter.test(m)) {
        out.add(m);
      }
    }
    return out;
  }

  @Override
  public synchronized Page<Positioned<LogEntry>> listLogs(
      String tenant, String cursor, int limit, boolean newestFirst, Predicate<LogEntry> filter) {
    TreeMap<Pos, LogEntry> t = logs.getOrDefault(tenant, new TreeMap<>());
    List<Positioned<LogEntry>> items = new ArrayList<>();
    String next =
        page(
            t,
            cursor,
            limit,
            newestFirst,
            filter,
            (p, e) -> items.add(new Positioned<>(p.toString(), e)));
    return new Page<>(items, next);
  }

  @Override
  public synchronized void expireLogs(String tenant, long before) {
    TreeMap<Pos, LogEntry> t = logs.get(tenant);
    if (t != null) {
      t.headMap(new Pos(before, 0), false).clear();
    }
  }

  @Override
  public synchronized Optional<DlqEntry> findDlq(String tenant, String dlqId) {
    Pos p = Pos.parse(dlqId);
    TreeMap<Pos, DlqEntry> t = dlq.get(tenant);
    return Optional.ofNullable(p == null || t == null ? null : t.get(p));
  }

  @Override
  public synchronized Page<DlqEntry> listDlq(
      String tenant, String cursor, int limit, boolean newestFirst, Predicate<DlqEntry> filter) {
    TreeMap<Pos, DlqEntry> t = dlq.getOrDefault(tenant, new TreeMap<>());
    List<DlqEntry> items = new ArrayList<>();
    String next = page(t, cursor, limit, newestFirst, filter, (p, e) -> items.add(e));
    return new Page<>(items, next);
  }

  @Override
  public synchronized void expireDlq(String tenant, long before) {
    TreeMap<Pos, DlqEntry> t = dlq.get(tenant);
    if (t != null) {
      t.headMap(new Pos(before, 0), false).clear();
    }
  }

  @Override
  public synchronized Optional<SigningKeys> findSigningKeys(String tenant) {
    return Optional.ofNullable(keys.get(tenant));
  }

  @Override
  public synchronized long approximateSizeBytes() {
    long n = 0;
    for (TreeMap<String, Message> t : messages.values()) {
      for (Message m : t.values()) {
        n += 200 + m.body().length;
      }
    }
    for (EndedMessage e : ended.values()) {
      n += 200 + e.message().body().length;
    }
    for (TreeMap<Pos, LogEntry> t : logs.values()) {
      n += 100L * t.size();
    }
    for (TreeMap<Pos, DlqEntry> t : dlq.values()) {
      for (DlqEntry e : t.values()) {
        n += 200 + e.message().body().length;
      }
    }
    return n;
  }

  @Override
  public synchronized int expireRuns(String tenant, long endedBefore, Predicate<String> keep) {
    return workflows.expireRuns(tenant, endedBefore, keep);
  }

  @Override
  public synchronized Optional<WorkflowRun> findRun(String tenant, String runId) {
    return workflows.findRun(tenant, runId);
  }

  @Override
  public synchronized List<WorkflowRun> scanRuns(
      String tenant, String afterRunId, int limit, Predicate<WorkflowRun> filter) {
    return workflows.scanRuns(tenant, afterRunId, limit, filter);
  }

  @Override
  public synchronized Page<WorkflowRun> listRuns(
      String tenant, RunListing listing, Predicate<WorkflowRun> filter) {
    return workflows.listRuns(tenant, listing, filter);
  }

  @Override
  public synchronized List<HistoryEntry> readHistory(String tenant, String runId, long upToSeq) {
    return workflows.readHistory(tenant, runId, upToSeq);
  }

  @Override
  public synchronized long nextHistorySeq(String tenant, String runId) {
    return workflows.nextHistorySeq(tenant, runId);
  }

  @Override
  public synchronized Optional<FailureCall> findFailureCall(String tenant, String runId) {
    return workflows.findFailureCall(tenant, runId);
  }

  @Override
  public synchronized List<Waiter> waiters() {
    return waits.waiters();
  }

  @Override
  public synchronized List<WaitEvent> waitEvents() {
    return waits.events();
  }

  @Override
  public void reclaimSpace() {}

  @Override
  public void close() {}

  private static <T> String page(
      TreeMap<Pos, T> t,
      String cursor,
      int limit,
      boolean newestFirst,
      Predicate<T> filter,
      BiConsumer<Pos, T> sink) {
    Pos c = Pos.parse(cursor);
    NavigableMap<Pos, T> view = newestFirst ? t.descendingMap() : t;
    if (c != null) {
      view = view.tailMap(c, false);
    }
    int n = 0;
    Pos last = null;
    for (Map.Entry<Pos, T> e : view.entrySet()) {
      if (n >= limit) {
        return last.toString();
      }
      if (filter.test(e.getValue())) {
        sink.accept(e.getKey(), e.getValue());
        n++;
        last = e.getKey();
      }
    }
    return null;
  }
}
