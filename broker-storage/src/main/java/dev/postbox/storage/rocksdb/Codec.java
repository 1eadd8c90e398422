package dev.postbox.storage.rocksdb;

import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.StorageException;
import dev.postbox.core.flow.FlowKey;
import dev.postbox.core.group.Endpoint;
import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.message.Redaction;
import dev.postbox.core.publish.DedupRecord;
import dev.postbox.core.queue.Queue;
import dev.postbox.core.schedule.Schedule;
import dev.postbox.core.tenant.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compact binary encoding of stored records. Every value starts with a version byte, so later
 * versions can still read what earlier ones wrote. Nullable fields carry a presence flag. Stateless
 * and thread-safe.
 */
final class Codec {
  private static final byte V1 = 1;

  /**
   * A message record or log entry whose message body is not in it but stored once, apart, under
   * {@link Keys#body}; otherwise laid out as {@link #V1} with an empty body.
   */
  private static final byte V2_BODY_APART = 2;

  private static final MessageKind[] KINDS = MessageKind.values();
  private static final MessageState[] STATES = MessageState.values();

  private Codec() {}

  static byte[] message(Message m) {
    Out o = new Out(256 + m.body().length);
    o.byte_(V1);
    writeMessage(o, m, true);
    return o.bytes();
  }

  /** A message record without its body, which is stored apart (read it back with the record). */
  static byte[] messageBodyApart(Message m) {
    Out o = new Out(256);
    o.byte_(V2_BODY_APART);
    writeMessage(o, m, false);
    return o.bytes();
  }

  /** Whether a message record or log entry has its message body stored apart. */
  static boolean bodyApart(byte[] record) {
    return record.length > 0 && record[0] == V2_BODY_APART;
  }

  /** A message record; with its body stored apart, the message comes back with an empty body. */
  static Message message(byte[] b) {
    In in = new In(b);
    in.messageVersion();
    return readMessage(in);
  }

  static byte[] log(LogEntry e) {
    return log(e, false);
  }

  /** A log entry; {@code bodyApart}: its message body is stored apart and left out here. */
  static byte[] log(LogEntry e, boolean bodyApart) {
    int body = bodyApart ? 0 : e.message().body().length;
    Out o = new Out(192 + body + e.responseBody().length);
    o.byte_(bodyApart ? V2_BODY_APART : V1);
    o.long_(e.time());
    o.byte_((byte) e.state().ordinal());
    writeMessage(o, e.message(), !bodyApart);
    o.str(e.error());
    o.long_(e.nextDeliveryTime());
    o.int_(e.responseStatus());
    o.headers(e.responseHeaders());
    o.bytes(e.responseBody());
    return o.bytes();
  }

  static LogEntry log(byte[] b) {
    In in = new In(b);
    in.messageVersion();
    long time = in.long_();
    MessageState state = STATES[in.byte_()];
    Message m = readMessage(in);
    return new LogEntry(time, state, m, in.str(), in.long_(), in.int_(), in.headers(), in.bytes());
  }

  static byte[] dlq(DlqEntry e) {
    Out o = new Out(256 + e.message().body().length + e.responseBody().length);
    o.byte_(V1);
    o.str(e.dlqId());
    writeMessage(o, e.message(), true);
    o.long_(e.failedAt());
    o.int_(e.responseStatus());
    o.headers(e.responseHeaders());
    o.bytes(e.responseBody());
    o.str(e.error());
    return o.bytes();
  }

  static DlqEntry dlq(byte[] b) {
    In in = new In(b);
    in.version();
    String id = in.str();
    Message m = readMessage(in);
    return new DlqEntry(id, m, in.long_(), in.int_(), in.headers(), in.bytes(), in.str());
  }

  static byte[] keys(SigningKeys k) {
    Out o = new Out(80);
    o.byte_(V1);
    o.str(k.current());
    o.str(k.next());
    return o.bytes();
  }

  static SigningKeys keys(byte[] b) {
    In in = new In(b);
    in.version();
    return new SigningKeys(in.str(), in.str());
  }

  static byte[] dedup(DedupRecord r) {
    Out o = new Out(64 + 64 * r.accepted().size());
    o.byte_(V1);
    o.str(r.tenant());
    o.str(r.id());
    o.long_(r.expiresAt());
    o.int_(r.accepted().size());
    for (DedupRecord.Accepted a : r.accepted()) {
      o.str(a.messageId());
      o.str(a.url());
    }
    return o.bytes();
  }

  static DedupRecord dedup(byte[] b) {
    In in = new In(b);
    in.version();
    String tenant = in.str();
    String id = in.str();
    long expiresAt = in.long_();
    int n = in.int_();
    List<DedupRecord.Accepted> accepted = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      accepted.add(new DedupRecord.Accepted(in.str(), in.str()));
    }
    return new DedupRecord(tenant, id, expiresAt, accepted);
  }

  static byte[] group(UrlGroup g) {
    Out o = new Out(64 + 64 * g.endpoints().size());
    o.byte_(V1);
    o.str(g.tenant());
    o.str(g.name());
    o.long_(g.createdAt());
    o.long_(g.updatedAt());
    o.int_(g.endpoints().size());
    for (Endpoint e : g.endpoints()) {
      o.str(e.name());
      o.str(e.url());
    }
    return o.bytes();
  }

  static UrlGroup group(byte[] b) {
    In in = new In(b);
    in.version();
    String tenant = in.str();
    String name = in.str();
    long created = in.long_();
    long updated = in.long_();
    int n = in.int_();
    List<Endpoint> endpoints = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      endpoints.add(new Endpoint(in.str(), in.str()));
    }
    return new UrlGroup(tenant, name, created, updated, endpoints);
  }

  static byte[] flowKey(FlowKey k) {
    Out o = new Out(64);
    o.byte_(V1);
    o.str(k.tenant());
    o.str(k.key());
    o.int_(k.parallelismMax());
    o.int_(k.rateMax());
    o.long_(k.ratePeriodSeconds());
    o.bool(k.pinnedParallelism());
    o.bool(k.pinnedRate());
    o.bool(k.paused());
    return o.bytes();
  }

  static FlowKey flowKey(byte[] b) {
    In in = new In(b);
    in.version();
    return new FlowKey(
        in.str(), in.str(), in.int_(), in.int_(), in.long_(), in.bool(), in.bool(), in.bool());
  }

  static byte[] queue(Queue q) {
    Out o = new Out(64);
    o.byte_(V1);
    o.str(q.tenant());
    o.str(q.name());
    o.long_(q.createdAt());
    o.long_(q.updatedAt());
    o.int_(q.parallelism());
    o.bool(q.paused());
    return o.bytes();
  }

  static Queue queue(byte[] b) {
    In in = new In(b);
    in.version();
    return new Queue(in.str(), in.str(), in.long_(), in.long_(), in.int_(), in.bool());
  }

  /** A waiting-list value: the message and when it is due. */
  static byte[] waiting(String messageId, long dueAt) {
    Out o = new Out(48);
    o.byte_(V1);
    o.str(messageId);
    o.long_(dueAt);
    return o.bytes();
  }

  /** A member value: the queue a message waits in and its place there. */
  static byte[] member(String queue, long seq) {
    Out o = new Out(48);
    o.byte_(V1);
    o.str(queue);
    o.long_(seq);
    return o.bytes();
  }

  static String str(byte[] b) {
    In in = new In(b);
    in.version();
    return in.str();
  }

  static byte[] str(String v) {
    Out o = new Out(32);
    o.byte_(V1);
    o.str(v);
    return o.bytes();
  }

  /** Reads a string then a long, as {@link #waiting} and {@link #member} write them. */
  static Map.Entry<String, Long> strLong(byte[] b) {
    In in = new In(b);
    in.version();
    return Map.entry(in.str(), in.long_());
  }

  static byte[] schedule(Schedule s) {
    Out o = new Out(256 + s.template().body().length);
    o.byte_(V1);
    o.str(s.tenant());
    o.str(s.id());
    o.str(s.cron());
    o.long_(s.delayMillis());
    o.long_(s.createdAt());
    o.bool(s.paused());
    o.long_(s.lastScheduleTime());
    o.long_(s.nextScheduleTime());
    o.int_(s.lastMessageIds().size());
    for (String id : s.lastMessageIds()) {
      o.str(id);
    }
    writeMessage(o, s.template(), true);
    return o.bytes();
  }

  static Schedule schedule(byte[] b) {
    In in = new In(b);
    in.version();
    String tenant = in.str();
    String id = in.str();
    String cron = in.str();
    long delay = in.long_();
    long createdAt = in.long_();
    boolean paused = in.bool();
    long last = in.long_();
    long next = in.long_();
    int n = in.int_();
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(in.str());
    }
    Message t = readMessage(in);
    return new Schedule(tenant, id, cron, t, delay, createdAt, paused, last, next, ids);
  }

  private static void writeMessage(Out o, Message m, boolean withBody) {
    o.str(m.tenant());
    o.str(m.id());
    o.byte_((byte) m.kind().ordinal());
    o.str(m.url());
    o.str(m.topicName());
    o.str(m.endpointName());
    o.str(m.queueName());
    o.str(m.scheduleId());
    o.str(m.method());
    o.headers(m.headers());
    o.bytes(withBody ? m.body() : new byte[0]);
    o.int_(m.maxRetries());
    o.str(m.retryDelayExpression());
    o.long_(m.timeoutMillis());
    o.long_(m.createdAt());
    o.long_(m.notBefore());
    o.str(m.callerIp());
    o.int_(m.labels().size());
    for (String l : m.labels()) {
      o.str(l);
    }
    callback(o, m.callback());
    callback(o, m.failureCallback());
    FlowControl f = m.flowControl();
    o.bool(f != null);
    if (f != null) {
      o.str(f.key());
      o.nullableInt(f.parallelism());
      o.nullableInt(f.rate());
      o.long_(f.periodSeconds());
    }
    Redaction r = m.redaction();
    o.bool(r.body());
    o.bool(r.allHeaders());
    o.int_(r.headers().size());
    for (String h : r.headers()) {
      o.str(h);
    }
    o.str(m.deduplicationId());
    o.int_(m.retried());
    o.long_(m.dueAt());
    o.str(m.sourceMessageId());
  }

  private static Message readMessage(In in) {
    Message.Builder b =
        Message.builder()
            .withTenant(in.str())
            .withId(in.str())
            .withKind(KINDS[in.byte_()])
            .withUrl(in.str())
            .withTopicName(in.str())
            .withEndpointName(in.str())
            .withQueueName(in.str())
            .withScheduleId(in.str())
            .withMethod(in.str())
            .withHeaders(in.headers())
            .withBody(in.bytes())
            .withMaxRetries(in.int_())
            .withRetryDelayExpression(in.str())
            .withTimeoutMillis(in.long_())
            .withCreatedAt(in.long_())
            .withNotBefore(in.long_())
            .withCallerIp(in.str());
    int labels = in.int_();
    List<String> l = new ArrayList<>(labels);
    for (int i = 0; i < labels; i++) {
      l.add(in.str());
    }
    b.withLabels(l).withCallback(readCallback(in)).withFailureCallback(readCallback(in));
    if (in.bool()) {
      b.withFlowControl(new FlowControl(in.str(), in.nullableInt(), in.nullableInt(), in.long_()));
    }
    boolean body = in.bool();
    boolean all = in.bool();
    int n = in.int_();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < n; i++) {
      names.add(in.str());
    }
    return b.withRedaction(new Redaction(body, all, names))
        .withDeduplicationId(in.str())
        .withRetried(in.int_())
        .withDueAt(in.long_())
        .withSourceMessageId(in.str())
        .build();
  }

  private static void callback(Out o, CallbackSpec c) {
    o.bool(c != null);
    if (c == null) {
      return;
    }
    o.str(c.url());
    o.str(c.method());
    o.long_(c.timeoutMillis());
    o.nullableInt(c.retries());
    o.str(c.retryDelayExpression());
    o.long_(c.delayMillis());
    o.headers(c.headers());
  }

  private static CallbackSpec readCallback(In in) {
    if (!in.bool()) {
      return null;
    }
    return new CallbackSpec(
        in.str(), in.str(), in.long_(), in.nullableInt(), in.str(), in.long_(), in.headers());
  }

  /**
   * Output buffer, in DataOutputStream's format (big-endian ints and longs, UTF-8 strings and byte
   * arrays after an int length, -1 for null). It writes into a per-thread scratch array and
   * allocates once per record, the exact-size copy {@link #bytes()} returns: records are built on
   * every publish and delivery outcome, and the stream classes allocated and copied the body
   * several times over.
   */
  private static final class Out {
    private static final int KEEP_AT_MOST = 256 * 1024; // larger scratch arrays are not kept
    private static final ThreadLocal<byte[]> SCRATCH = new ThreadLocal<>();

    private byte[] buf;
    private int pos;

    Out(int size) {
      byte[] scratch = SCRATCH.get();
      if (scratch != null && scratch.length >= size) {
        SCRATCH.remove(); // taken: an Out built meanwhile on this thread gets its own
        buf = scratch;
      } else {
        buf = new byte[Math.max(size, 64)];
      }
    }

    /** The record; call once, last. */
    byte[] bytes() {
      byte[] out = Arrays.copyOf(buf, pos);
      if (buf.length <= KEEP_AT_MOST) {
        byte[] kept = SCRATCH.get();
        if (kept == null || kept.length < buf.length) {
          SCRATCH.set(buf);
        }
      }
      buf = null;
      return out;
    }

    private void room(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }

    void byte_(byte b) {
      room(1);
      buf[pos++] = b;
    }

    void bool(boolean b) {
      byte_((byte) (b ? 1 : 0));
    }

    void int_(int v) {
      room(4);
      buf[pos] = (byte) (v >>> 24);
      buf[pos + 1] = (byte) (v >>> 16);
      buf[pos + 2] = (byte) (v >>> 8);
      buf[pos + 3] = (byte) v;
      pos += 4;
    }

    void long_(long v) {
      int_((int) (v >>> 32));
      int_((int) v);
    }

    void nullableInt(Integer v) {
      bool(v != null);
      if (v != null) {
        int_(v);
      }
    }

    void bytes(byte[] b) {
      int_(b.length);
      room(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }

    void str(String s) {
      if (s == null) {
        int_(-1);
        return;
      }
      int n = s.length();
      for (int i = 0; i < n; i++) {
        if (s.charAt(i) >= 0x80) {
          bytes(s.getBytes(StandardCharsets.UTF_8));
          return;
        }
      }
      int_(n); // ASCII (almost every id, URL and header): its UTF-8 is one byte a char
      room(n);
      for (int i = 0; i < n; i++) {
        buf[pos + i] = (byte) s.charAt(i);
      }
      pos += n;
    }

    void headers(Map<String, List<String>> h) {
      int_(h.size());
      for (Map.Entry<String, List<String>> e : h.entrySet()) {
        str(e.getKey());
        int_(e.getValue().size());
        for (String v : e.getValue()) {
          str(v);
        }
      }
    }
  }

  /** Input reader over the record's array (no stream copies); a malformed record throws. */
  private static final class In {
    private final byte[] b;
    private int pos;

    In(byte[] b) {
      this.b = b;
    }

    void version() {
      byte v = byte_();
      if (v != V1) {
        throw new StorageException(ErrorCode.STORAGE_UNAVAILABLE, "unknown record version " + v);
      }
    }

    /** Message records and log entries: {@link #V1}, or {@link #V2_BODY_APART}. */
    void messageVersion() {
      byte v = byte_();
      if (v != V1 && v != V2_BODY_APART) {
        throw new StorageException(ErrorCode.STORAGE_UNAVAILABLE, "unknown record version " + v);
      }
    }

    private int take(int n) {
      if (n < 0 || n > b.length - pos) {
        throw new StorageException(
            ErrorCode.STORAGE_UNAVAILABLE, "corrupt record: needs " + n + " bytes at " + pos);
      }
      int at = pos;
      pos += n;
      return at;
    }

    byte byte_() {
      return b[take(1)];
    }

    boolean bool() {
      return byte_() != 0;
    }

    int int_() {
      int at = take(4);
      return (b[at] & 0xff) << 24
          | (b[at + 1] & 0xff) << 16
          | (b[at + 2] & 0xff) << 8
          | (b[at + 3] & 0xff);
    }

    long long_() {
      return ((long) int_() << 32) | (int_() & 0xffffffffL);
    }

    Integer nullableInt() {
      return bool() ? int_() : null;
    }

    byte[] bytes() {
      int n = int_();
      if (n < 0) {
        return null;
      }
      int at = take(n);
      return Arrays.copyOfRange(b, at, at + n);
    }

    String str() {
      int n = int_();
      if (n < 0) {
        return null;
      }
      return new String(b, take(n), n, StandardCharsets.UTF_8);
    }

    Map<String, List<String>> headers() {
      int n = int_();
      Map<String, List<String>> h = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String k = str();
        int m = int_();
        List<String> vs = new ArrayList<>(Math.min(m, 16));
        for (int j = 0; j < m; j++) {
          vs.add(str());
        }
        h.put(k, vs);
      }
      return h;
    }
  }
}
