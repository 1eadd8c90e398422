package dev.postbox.storage.rocksdb;

import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import dev.postbox.core.message.Redaction;
import java.util.HashSet;
import java.util.Set;

/**
 * The fields of a message, as every record that holds one lays them out: message records, log
 * entries, DLQ entries and schedule templates. Stateless.
 */
final class MessageLayout {
  private static final byte[] NO_BODY = new byte[0];
  private static final MessageKind[] KINDS = MessageKind.values();

  private MessageLayout() {}

  /** Writes {@code m}; without {@code withBody}, an empty body in its place. */
  static void write(RecordWriter o, Message m, boolean withBody) {
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
    o.bytes(withBody ? m.body() : NO_BODY);
    o.int_(m.maxRetries());
    o.str(m.retryDelayExpression());
    o.long_(m.timeoutMillis());
    o.long_(m.createdAt());
    o.long_(m.notBefore());
    o.str(m.callerIp());
    o.strings(m.labels());
    writeCallback(o, m.callback());
    writeCallback(o, m.failureCallback());
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
    o.strings(r.headers());
    o.str(m.deduplicationId());
    o.int_(m.retried());
    o.long_(m.dueAt());
    o.str(m.sourceMessageId());
  }

  static Message read(RecordReader in) {
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
    b.withLabels(in.strings()).withCallback(readCallback(in)).withFailureCallback(readCallback(in));
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

  static void writeCallback(RecordWriter o, CallbackSpec c) {
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

  static CallbackSpec readCallback(RecordReader in) {
    if (!in.bool()) {
      return null;
    }
    return new CallbackSpec(
        in.str(), in.str(), in.long_(), in.nullableInt(), in.str(), in.long_(), in.headers());
  }
}
