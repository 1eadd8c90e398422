package dev.postbox.storage.rocksdb;

import dev.postbox.core.message.FlowControl;
import dev.postbox.core.workflow.FailureCall;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.Invoker;
import dev.postbox.core.workflow.RunConfig;
import dev.postbox.core.workflow.RunEnd;
import dev.postbox.core.workflow.WorkflowRun;
import dev.postbox.core.workflow.WorkflowState;

/**
 * Workflow run start records, run ends, failure-callback states and history entries. Stateless.
 *
 * <p>A start record may end with extensions, each a tag byte and a length-prefixed value, written
 * only when set: records without them keep their first layout, and a reader skips a tag it does not
 * know. Tags: {@link #EXT_INVOKER}, {@link #EXT_SERVER_TRIGGERED}.
 */
final class WorkflowCodec {
  private static final WorkflowState[] STATES = WorkflowState.values();
  private static final FailureCall.State[] CALL_STATES = FailureCall.State.values();

  /** The run that invoked this one (its URL, id, creation time, headers and Invoke step). */
  static final byte EXT_INVOKER = 1;

  /** Started by {@code POST /v2/trigger} (an empty value). */
  static final byte EXT_SERVER_TRIGGERED = 2;

  private WorkflowCodec() {}

  /** A run's start record (its end is stored apart, see {@link #end}). */
  static byte[] run(WorkflowRun r) {
    RunConfig c = r.config();
    RecordWriter o = new RecordWriter(256, Codec.V1);
    o.str(r.tenant());
    o.str(r.id());
    o.str(r.url());
    o.long_(r.createdAt());
    o.str(r.triggerMessageId());
    o.int_(r.invokeCount());
    o.bool(r.detectTrigger());
    o.int_(c.retries());
    o.str(c.retryDelay());
    FlowControl f = c.flowControl();
    o.bool(f != null);
    if (f != null) {
      o.str(f.key());
      o.nullableInt(f.parallelism());
      o.nullableInt(f.rate());
      o.long_(f.periodSeconds());
    }
    MessageLayout.writeCallback(o, c.failureCallback());
    o.headers(c.forwardHeaders());
    o.str(c.label());
    if (r.invoker() != null) {
      o.byte_(EXT_INVOKER);
      o.bytes(invoker(r.invoker()));
    }
    if (r.serverTriggered()) {
      o.byte_(EXT_SERVER_TRIGGERED);
      o.bytes(new byte[0]);
    }
    return o.bytes();
  }

  private static byte[] invoker(Invoker i) {
    RecordWriter o = new RecordWriter(128, Codec.V1);
    o.str(i.url());
    o.str(i.runId());
    o.long_(i.createdAt());
    o.headers(i.headers());
    o.str(i.step());
    return o.bytes();
  }

  private static Invoker invoker(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    return new Invoker(in.str(), in.str(), in.long_(), in.headers(), in.str());
  }

  /** A start record, with no end. */
  static WorkflowRun run(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    String tenant = in.str();
    String id = in.str();
    String url = in.str();
    long createdAt = in.long_();
    String trigger = in.str();
    int invokeCount = in.int_();
    boolean detect = in.bool();
    int retries = in.int_();
    String retryDelay = in.str();
    FlowControl f =
        in.bool()
            ? new FlowControl(in.str(), in.nullableInt(), in.nullableInt(), in.long_())
            : null;
    RunConfig c =
        new RunConfig(
            retries, retryDelay, f, MessageLayout.readCallback(in), in.headers(), in.str());
    Invoker invoker = null;
    boolean serverTriggered = false;
    while (!in.atEnd()) {
      byte tag = in.byte_();
      byte[] value = in.bytes();
      if (tag == EXT_INVOKER) {
        invoker = invoker(value);
      } else if (tag == EXT_SERVER_TRIGGERED) {
        serverTriggered = true;
      } // else written by a later version: skipped
    }
    return new WorkflowRun(
        tenant,
        id,
        url,
        createdAt,
        trigger,
        invokeCount,
        detect,
        c,
        null,
        invoker,
        serverTriggered);
  }

  static byte[] end(RunEnd e) {
    RecordWriter o = new RecordWriter(32 + e.response().length, Codec.V1);
    o.byte_((byte) e.state().ordinal());
    o.long_(e.completedAt());
    o.bytes(e.response());
    o.str(e.error());
    if (e.dlqId() != null) { // added later: ends without it keep their first layout
      o.str(e.dlqId());
    }
    return o.bytes();
  }

  static RunEnd end(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    WorkflowState state = STATES[in.byte_()];
    long completedAt = in.long_();
    byte[] response = in.bytes();
    String error = in.str();
    return new RunEnd(state, completedAt, response, error, in.atEnd() ? null : in.str());
  }

  static byte[] failureCall(FailureCall c) {
    RecordWriter o = new RecordWriter(96 + c.responseBody().length, Codec.V1);
    o.str(c.tenant());
    o.str(c.runId());
    o.str(c.dlqId());
    o.str(c.messageId());
    o.str(c.url());
    o.byte_((byte) c.state().ordinal());
    o.int_(c.responseStatus());
    o.headers(c.responseHeaders());
    o.bytes(c.responseBody());
    o.long_(c.updatedAt());
    return o.bytes();
  }

  static FailureCall failureCall(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    return new FailureCall(
        in.str(),
        in.str(),
        in.str(),
        in.str(),
        in.str(),
        CALL_STATES[in.byte_()],
        in.int_(),
        in.headers(),
        in.bytes(),
        in.long_());
  }

  static byte[] history(HistoryEntry e) {
    RecordWriter o = new RecordWriter(32 + e.body().length, Codec.V1);
    o.str(e.messageId());
    o.str(e.callType());
    o.bytes(e.body());
    return o.bytes();
  }

  static HistoryEntry history(String tenant, String runId, long seq, byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    String messageId = in.str();
    String callType = in.str();
    return new HistoryEntry(tenant, runId, seq, messageId, in.bytes(), callType);
  }
}
