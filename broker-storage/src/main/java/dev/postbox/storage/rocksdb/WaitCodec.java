package dev.postbox.storage.rocksdb;

import static dev.postbox.storage.rocksdb.GroupCommitter.Mutation.delete;
import static dev.postbox.storage.rocksdb.GroupCommitter.Mutation.put;

import dev.postbox.core.store.StoreOp;
import dev.postbox.core.workflow.WaitEvent;
import dev.postbox.core.workflow.WaitStep;
import dev.postbox.core.workflow.Waiter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;

/**
 * The waits of workflow runs, in their own family. A waiter's key is {@code 0 ‖ tenant\0 ‖ runId\0
 * ‖ eventId\0 ‖ stepId} (4-byte big-endian) and a kept event's {@code 1 ‖ tenant\0 ‖ runId\0 ‖
 * eventId\0}, so each kind is read with one prefix scan; values carry their own ids. Stateless.
 */
final class WaitCodec {
  static final byte[] WAITERS = {0};
  static final byte[] EVENTS = {1};

  private WaitCodec() {}

  /** The write of one wait operation. */
  static GroupCommitter.Mutation mutation(ColumnFamilyHandle cf, StoreOp.WaitOp op) {
    if (op instanceof StoreOp.PutWaiter p) {
      Waiter w = p.waiter();
      return put(cf, waiterKey(w.tenant(), w.runId(), w.eventId(), w.step().stepId()), waiter(w));
    } else if (op instanceof StoreOp.DeleteWaiter d) {
      return delete(cf, waiterKey(d.tenant(), d.runId(), d.eventId(), d.stepId()));
    } else if (op instanceof StoreOp.PutWaitEvent p) {
      WaitEvent e = p.event();
      return put(cf, eventKey(e.tenant(), e.runId(), e.eventId()), event(e));
    } else if (op instanceof StoreOp.DeleteWaitEvent d) {
      return delete(cf, eventKey(d.tenant(), d.runId(), d.eventId()));
    }
    throw new IllegalArgumentException("unknown wait operation " + op);
  }

  static byte[] waiterKey(String tenant, String runId, String eventId, int stepId) {
    byte[] p = key(WAITERS, tenant, runId, eventId);
    return ByteBuffer.allocate(p.length + 4).put(p).putInt(stepId).array();
  }

  static byte[] eventKey(String tenant, String runId, String eventId) {
    return key(EVENTS, tenant, runId, eventId);
  }

  private static byte[] key(byte[] kind, String tenant, String runId, String eventId) {
    byte[] t = Keys.tenantPrefix(tenant);
    byte[] r = runId.getBytes(StandardCharsets.UTF_8);
    byte[] e = eventId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + t.length + r.length + e.length + 2)
        .put(kind)
        .put(t)
        .put(r)
        .put((byte) 0)
        .put(e)
        .put((byte) 0)
        .array();
  }

  static byte[] waiter(Waiter w) {
    WaitStep s = w.step();
    RecordWriter o = new RecordWriter(512, Codec.V1);
    o.str(w.tenant());
    o.str(w.runId());
    o.str(w.eventId());
    o.int_(s.stepId());
    o.str(s.stepName());
    o.str(s.stepType());
    o.int_(s.concurrent());
    o.nullableInt(s.targetStep());
    o.str(s.timeout());
    o.long_(w.createdAt());
    o.long_(w.deadline());
    o.str(w.url());
    o.headers(w.headers());
    o.str(w.timeoutUrl());
    o.bool(w.timeoutBody() != null);
    if (w.timeoutBody() != null) {
      o.bytes(w.timeoutBody());
    }
    o.headers(w.timeoutHeaders());
    return o.bytes();
  }

  static Waiter waiter(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    String tenant = in.str();
    String runId = in.str();
    String eventId = in.str();
    WaitStep step =
        new WaitStep(in.int_(), in.str(), in.str(), in.int_(), in.nullableInt(), in.str());
    long createdAt = in.long_();
    long deadline = in.long_();
    String url = in.str();
    Map<String, List<String>> headers = in.headers();
    String timeoutUrl = in.str();
    byte[] timeoutBody = in.bool() ? in.bytes() : null;
    return new Waiter(
        tenant,
        runId,
        eventId,
        step,
        createdAt,
        deadline,
        url,
        headers,
        timeoutUrl,
        timeoutBody,
        in.headers());
  }

  static byte[] event(WaitEvent e) {
    RecordWriter o = new RecordWriter(64 + e.data().length, Codec.V1);
    o.str(e.tenant());
    o.str(e.runId());
    o.str(e.eventId());
    o.long_(e.createdAt());
    o.bytes(e.data());
    return o.bytes();
  }

  static WaitEvent event(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    String tenant = in.str();
    String runId = in.str();
    String eventId = in.str();
    long createdAt = in.long_();
    return new WaitEvent(tenant, runId, eventId, in.bytes(), createdAt);
  }
}
