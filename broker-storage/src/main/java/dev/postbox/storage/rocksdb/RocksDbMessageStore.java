package dev.postbox.storage.rocksdb;

import dev.postbox.core.flow.FlowKey;
import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.EndedMessage;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.metrics.BrokerMetrics;
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
import dev.postbox.core.store.LogScope;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.Page;
import dev.postbox.core.store.Positioned;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.workflow.FailureCall;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.RunListing;
import dev.postbox.core.workflow.WaitEvent;
import dev.postbox.core.workflow.Waiter;
import dev.postbox.core.workflow.WorkflowRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The {@link MessageStore} on RocksDB: batches are encoded on the caller's thread by the {@link
 * BatchEncoder} and written by the {@link GroupCommitter}; reads go straight to RocksDB through one
 * reader per kind of record ({@link MessageReads}, {@link LogReads}, {@link ScheduleReads}, {@link
 * QueueReads}, {@link TenantReads}, {@link WorkflowReads}); {@link Housekeeping} expires old
 * records and reclaims space. Thread-safe.
 */
public final class RocksDbMessageStore implements MessageStore {
  /** The default sync window: see {@link GroupCommitter} and {@code --sync-window}. */
  public static final Duration DEFAULT_SYNC_WINDOW = Duration.ofMillis(1);

  private final RocksDbStorage storage;
  private final GroupCommitter committer;
  private final BatchEncoder encoder;

  /** Held while a batch that enqueues is encoded and submitted: see {@link BatchEncoder}. */
  private final Object queueOrder = new Object();

  private final MessageReads messages;
  private final LogReads logs;
  private final ScheduleReads schedules;
  private final QueueReads queues;
  private final TenantReads tenants;
  private final WorkflowReads workflows;
  private final WaitReads waits;
  private final Housekeeping housekeeping;
  private final RocksDbGauges gauges;
  private volatile boolean open = true;

  private RocksDbMessageStore(RocksDbStorage storage, Duration syncWindow, BrokerMetrics metrics) {
    this.storage = storage;
    WorkflowRunIndex.build(storage); // before any commit or read
    LogIndex.build(storage);
    this.committer = new GroupCommitter(storage.db, syncWindow.toNanos(), metrics);
    this.gauges = new RocksDbGauges(storage);
    this.encoder = new BatchEncoder(storage);
    RocksDbReader reader = new RocksDbReader(storage);
    this.messages = new MessageReads(reader);
    this.logs = new LogReads(reader);
    this.schedules = new ScheduleReads(reader);
    this.queues = new QueueReads(reader);
    this.tenants = new TenantReads(reader);
    this.workflows = new WorkflowReads(reader);
    this.waits = new WaitReads(reader);
    this.housekeeping = new Housekeeping(reader, committer);
  }

  public static RocksDbMessageStore open(Path dir) {
    return open(dir, DEFAULT_SYNC_WINDOW);
  }

  /**
   * Opens the store in {@code dir}. Under load, WAL syncs start at most once a {@code syncWindow}
   * (each covering every synced write since the last), unless many writes wait, and at a moderate
   * load at most once a third of it ({@link GroupCommitter}); 0 syncs back to back.
   */
  public static RocksDbMessageStore open(Path dir, Duration syncWindow) {
    return open(dir, syncWindow, BrokerMetrics.NONE);
  }

  /** As above, telling {@code metrics} each group commit's size and each WAL sync's duration. */
  public static RocksDbMessageStore open(Path dir, Duration syncWindow, BrokerMetrics metrics) {
    if (syncWindow.isNegative()) {
      throw new IllegalArgumentException("negative sync window");
    }
    return new RocksDbMessageStore(new RocksDbStorage(dir), syncWindow, metrics);
  }

  /** RocksDB's own figures (size, pending compaction, key estimates), for metrics. */
  public RocksDbGauges gauges() {
    return gauges;
  }

  /** True from open until {@link #close()} starts. */
  public boolean isOpen() {
    return open;
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
    List<GroupCommitter.Mutation> mutations;
    try {
      mutations = encoder.encode(batch);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return committer.submit(mutations, durability == Durability.SYNC);
  }

  @Override
  public Optional<WorkflowRun> findRun(String tenant, String runId) {
    return workflows.findRun(tenant, runId);
  }

  @Override
  public List<WorkflowRun> scanRuns(
      String tenant, String afterRunId, int limit, Predicate<WorkflowRun> filter) {
    return workflows.scanRuns(tenant, afterRunId, limit, filter);
  }

  @Override
  public Page<WorkflowRun> listRuns(
      String tenant, RunListing listing, Predicate<WorkflowRun> filter) {
    return workflows.listRuns(tenant, listing, filter);
  }

  @Override
  public List<HistoryEntry> readHistory(String tenant, String runId, long upToSeq) {
    return workflows.readHistory(tenant, runId, upToSeq);
  }

  @Override
  public long nextHistorySeq(String tenant, String runId) {
    return workflows.nextHistorySeq(tenant, runId);
  }

  @Override
  public Optional<FailureCall> findFailureCall(String tenant, String runId) {
    return workflows.findFailureCall(tenant, runId);
  }

  @Override
  public int expireRuns(String tenant, long endedBefore, Predicate<String> keep) {
    return housekeeping.expireRuns(tenant, endedBefore, keep);
  }

  @Override
  public List<Waiter> waiters() {
    return waits.waiters();
  }

  @Override
  public List<WaitEvent> waitEvents() {
    return waits.events();
  }

  @Override
  public Optional<Message> findMessage(MessageRef ref) {
    return messages.findMessage(ref);
  }

  @Override
  public Optional<EndedMessage> findEnded(MessageRef ref) {
    return messages.findEnded(ref);
  }

  @Override
  public int expireEnded(String tenant, long before) {
    return housekeeping.expireEnded(tenant, before);
  }

  @Override
  public List<DueRef> scanDue(DueRef after, long to, int limit) {
    return messages.scanDue(after, to, limit);
  }

  @Override
  public List<DueRef> scanDueFrom(DueRef from, long to, int limit) {
    return messages.scanDueFrom(from, to, limit);
  }

  @Override
  public Optional<DueRef> firstDue(DueRef after) {
    return messages.firstDue(after);
  }

  @Override
  public List<MessageRef> inFlight() {
    return messages.inFlight();
  }

  @Override
  public List<Message> scanMessages(
      String tenant, String afterId, int limit, Predicate<Message> filter) {
    return messages.scanMessages(tenant, afterId, limit, filter);
  }

  @Override
  public Page<Positioned<LogEntry>> listLogs(
      String tenant, String cursor, int limit, boolean newestFirst, Predicate<LogEntry> filter) {
    return logs.listLogs(tenant, cursor, limit, newestFirst, LogScope.ALL, filter);
  }

  @Override
  public Page<Positioned<LogEntry>> listLogs(
      String tenant,
      String cursor,
      int limit,
      boolean newestFirst,
      LogScope scope,
      Predicate<LogEntry> filter) {
    return logs.listLogs(tenant, cursor, limit, newestFirst, scope, filter);
  }

  @Override
  public void expireLogs(String tenant, long before) {
    housekeeping.expireLogs(tenant, before);
  }

  @Override
  public Optional<DlqEntry> findDlq(String tenant, String dlqId) {
    return logs.findDlq(tenant, dlqId);
  }

  @Override
  public Page<DlqEntry> listDlq(
      String tenant, String cursor, int limit, boolean newestFirst, Predicate<DlqEntry> filter) {
    return logs.listDlq(tenant, cursor, limit, newestFirst, filter);
  }

  @Override
  public void expireDlq(String tenant, long before) {
    housekeeping.expireDlq(tenant, before);
  }

  @Override
  public Optional<SigningKeys> findSigningKeys(String tenant) {
    return tenants.findSigningKeys(tenant);
  }

  @Override
  public Optional<DedupRecord> findDedup(String tenant, String id) {
    return tenants.findDedup(tenant, id);
  }

  @Override
  public int expireDedup(String tenant, long now) {
    return housekeeping.expireDedup(tenant, now);
  }

  @Override
  public Optional<UrlGroup> findGroup(String tenant, String name) {
    return tenants.findGroup(tenant, name);
  }

  @Override
  public List<UrlGroup> listGroups(String tenant) {
    return tenants.listGroups(tenant);
  }

  @Override
  public List<FlowKey> listFlowKeys() {
    return queues.listFlowKeys();
  }

  @Override
  public Optional<FlowKey> findFlowKey(String tenant, String key) {
    return queues.findFlowKey(tenant, key);
  }

  @Override
  public Optional<Queue> findQueue(String tenant, String name) {
    return queues.findQueue(tenant, name);
  }

  @Override
  public List<Queue> listQueues(String tenant) {
    return queues.listQueues(tenant);
  }

  @Override
  public List<WaitingEntry> scanWaiting(String tenant, String queue, long afterSeq, int limit) {
    return queues.scanWaiting(tenant, queue, afterSeq, limit);
  }

  @Override
  public Optional<WaitingEntry> findWaiting(String tenant, String messageId) {
    return queues.findWaiting(tenant, messageId);
  }

  @Override
  public Map<QueueRef, Long> waitingCounts() {
    return queues.waitingCounts();
  }

  @Override
  public List<SlotHolder> slotHolders() {
    return queues.slotHolders();
  }

  @Override
  public Optional<Schedule> findSchedule(ScheduleRef ref) {
    return schedules.findSchedule(ref);
  }

  @Override
  public List<Schedule> scanSchedules(String tenant, ScheduleRef after, int limit) {
    return schedules.scanSchedules(tenant, after, limit);
  }

  @Override
  public Map<String, RunState> runStates(ScheduleRef ref) {
    return schedules.runStates(ref);
  }

  @Override
  public long approximateSizeBytes() {
    return housekeeping.approximateSizeBytes();
  }

  @Override
  public void reclaimSpace() {
    housekeeping.reclaimSpace();
  }

  @Override
  public void close() {
    open = false;
    gauges.close();
    committer.close();
    storage.close();
  }
}
