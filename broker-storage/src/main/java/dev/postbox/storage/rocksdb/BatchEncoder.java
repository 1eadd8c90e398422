package dev.postbox.storage.rocksdb;

import static dev.postbox.storage.rocksdb.GroupCommitter.Mutation.delete;
import static dev.postbox.storage.rocksdb.GroupCommitter.Mutation.put;

import dev.postbox.core.flow.FlowKey;
import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.publish.DedupRecord;
import dev.postbox.core.queue.Queue;
import dev.postbox.core.schedule.Schedule;
import dev.postbox.core.schedule.ScheduleRef;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.store.StoreOp;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.WorkflowRun;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a {@link StoreBatch} into the mutations of one atomic RocksDB write: the records, index
 * entries and keys each operation touches. Runs on the committing caller's thread. Thread-safe.
 */
final class BatchEncoder {
  private static final byte[] EMPTY = new byte[0];

  /**
   * Bodies of at least this many bytes are stored once, apart from the message record, instead of
   * in the record and again in its CREATED log entry (docs/benchmarks-history.md#item-20). Smaller
   * ones stay inline: copying them twice costs less than the extra reads and the expiry pass.
   */
  static final int BODY_APART_MIN = 1024;

  private final RocksDbStorage s;

  /** Log sequence numbers: unique within a process; keys also carry the time. */
  private final AtomicLong logSeq = new AtomicLong();

  /**
   * Places in queue waiting lists: microseconds of wall time, strictly increasing, so places keep
   * growing across restarts. The caller encodes and submits a batch that enqueues under one lock,
   * so a queue's waiting list is written in the order of its places.
   */
  private final AtomicLong queueSeq = new AtomicLong();

  BatchEncoder(RocksDbStorage storage) {
    this.s = storage;
  }

  /** The batch's mutations, in its order; an operation that cannot be stored throws. */
  List<GroupCommitter.Mutation> encode(StoreBatch batch) {
    List<GroupCommitter.Mutation> out = new ArrayList<>(batch.ops().size() + 1);
    Set<String> apart = bodiesWrittenApart(batch);
    for (StoreOp op : batch.ops()) {
      encode(op, out, apart);
    }
    return out;
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
    } else if (op instanceof StoreOp.PutEnded e) {
      Message m = e.message();
      // A large body is not copied: the record points at the one stored apart on publish.
      boolean bodyApart = m.body().length >= BODY_APART_MIN;
      out.add(
          put(
              s.ended,
              Keys.message(m.tenant(), m.id()),
              EndedCodec.encode(m, e.state(), e.endedAt(), bodyApart)));
      out.add(put(s.endedExpiry, Keys.endedExpiry(m.tenant(), e.endedAt(), m.id()), EMPTY));
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
      out.add(put(s.logsByMessage, LogIndex.key(e.tenant(), e.message().id(), key), EMPTY));
    } else if (op instanceof StoreOp.PutDlq) {
      DlqEntry e = ((StoreOp.PutDlq) op).entry();
      byte[] key = Keys.positionKey(e.tenant(), e.dlqId());
      if (key == null) {
        throw new IllegalArgumentException("malformed dlqId " + e.dlqId());
      }
      out.add(put(s.dlq, key, DlqCodec.encode(e)));
    } else if (op instanceof StoreOp.DeleteDlq) {
      StoreOp.DeleteDlq d = (StoreOp.DeleteDlq) op;
      byte[] key = Keys.positionKey(d.tenant(), d.dlqId());
      if (key != null) {
        out.add(delete(s.dlq, key));
      }
    } else if (op instanceof StoreOp.PutSigningKeys) {
      StoreOp.PutSigningKeys k = (StoreOp.PutSigningKeys) op;
      out.add(put(s.meta, Keys.signingKeys(k.tenant()), SigningKeysCodec.encode(k.keys())));
    } else if (op instanceof StoreOp.PutDedup) {
      DedupRecord r = ((StoreOp.PutDedup) op).record();
      out.add(put(s.dedup, Keys.message(r.tenant(), r.id()), DedupCodec.encode(r)));
      out.add(put(s.dedupExpiry, Keys.dedupExpiry(r.tenant(), r.expiresAt(), r.id()), EMPTY));
    } else if (op instanceof StoreOp.PutGroup) {
      UrlGroup g = ((StoreOp.PutGroup) op).group();
      out.add(put(s.groups, Keys.message(g.tenant(), g.name()), GroupCodec.encode(g)));
    } else if (op instanceof StoreOp.DeleteGroup) {
      StoreOp.DeleteGroup d = (StoreOp.DeleteGroup) op;
      out.add(delete(s.groups, Keys.message(d.tenant(), d.name())));
    } else if (op instanceof StoreOp.PutSchedule) {
      Schedule sc = ((StoreOp.PutSchedule) op).schedule();
      out.add(put(s.schedules, Keys.schedule(sc.tenant(), sc.id()), ScheduleCodec.encode(sc)));
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
      out.add(put(s.flowKeys, Keys.message(k.tenant(), k.key()), FlowKeyCodec.encode(k)));
    } else if (op instanceof StoreOp.PutQueue q) {
      Queue queue = q.queue();
      out.add(put(s.queues, Keys.message(queue.tenant(), queue.name()), QueueCodec.queue(queue)));
    } else if (op instanceof StoreOp.DeleteQueue q) {
      out.add(delete(s.queues, Keys.message(q.tenant(), q.name())));
    } else if (op instanceof StoreOp.PutQueued q) {
      long seq = nextQueueSeq();
      out.add(
          put(
              s.queueWaiting,
              Keys.waiting(q.tenant(), q.queue(), seq),
              QueueCodec.waiting(q.messageId(), q.dueAt())));
      out.add(
          put(
              s.queueMembers,
              Keys.message(q.tenant(), q.messageId()),
              QueueCodec.member(q.queue(), seq)));
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
              QueueCodec.slot(q.messageId())));
      out.add(put(s.due, Keys.due(q.dueAt(), new MessageRef(q.tenant(), q.messageId())), EMPTY));
    } else if (op instanceof StoreOp.PutSlotHolder h) {
      out.add(
          put(
              s.queueSlots,
              Keys.slot(h.tenant(), h.queue(), h.holderId()),
              QueueCodec.slot(h.token())));
    } else if (op instanceof StoreOp.DeleteSlotHolder h) {
      out.add(delete(s.queueSlots, Keys.slot(h.tenant(), h.queue(), h.holderId())));
    } else if (op instanceof StoreOp.PutWorkflowRun r) {
      WorkflowRun run = r.run();
      byte[] key = WorkflowKeys.run(run.tenant(), run.id(), WorkflowKeys.START);
      out.add(put(s.workflowRuns, key, WorkflowCodec.run(run)));
      byte[] byTime = WorkflowKeys.byTime(run.tenant(), run.createdAt(), run.id());
      out.add(put(s.workflowRunsByTime, byTime, new byte[0]));
    } else if (op instanceof StoreOp.PutWorkflowRunEnd e) {
      byte[] key = WorkflowKeys.run(e.tenant(), e.runId(), WorkflowKeys.END);
      out.add(put(s.workflowRuns, key, WorkflowCodec.end(e.end())));
    } else if (op instanceof StoreOp.PutFailureCall f) {
      byte[] key = WorkflowKeys.run(f.call().tenant(), f.call().runId(), WorkflowKeys.FAILURE_CALL);
      out.add(put(s.workflowRuns, key, WorkflowCodec.failureCall(f.call())));
    } else if (op instanceof StoreOp.PutHistoryEntry h) {
      HistoryEntry e = h.entry();
      byte[] key = WorkflowKeys.history(e.tenant(), e.runId(), e.seq());
      out.add(put(s.workflowHistory, key, WorkflowCodec.history(e)));
    } else if (op instanceof StoreOp.WaitOp w) {
      out.add(WaitCodec.mutation(s.workflowWaits, w));
    } else {
      throw new IllegalArgumentException("unknown store operation " + op);
    }
  }
}
