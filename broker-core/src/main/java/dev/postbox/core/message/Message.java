package dev.postbox.core.message;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A stored message: what to deliver, where, how often to retry, and where it stands. Immutable;
 * state changes produce a copy through {@link #toBuilder()}.
 *
 * @param tenant owning tenant id
 * @param id message id ({@code msg_...})
 * @param kind published message or broker-made callback
 * @param url destination URL exactly as sent (for URL-group messages, the endpoint URL)
 * @param topicName URL group it was fanned out from, or null
 * @param endpointName name of the URL-group endpoint, or null
 * @param queueName queue it was enqueued to, or null
 * @param scheduleId schedule that produced it, or null
 * @param method HTTP method towards the destination
 * @param headers forwarded headers (prefix stripped, canonical names) plus Content-Type
 * @param body raw body bytes, never null
 * @param maxRetries retries after the first attempt
 * @param retryDelayExpression custom backoff expression in ms, or null for the default backoff
 * @param timeoutMillis per-attempt timeout, 0 for the broker default
 * @param createdAt creation time, epoch ms
 * @param notBefore earliest delivery time, epoch ms
 * @param callerIp address of the publisher
 * @param labels labels in the order given
 * @param callback called after every attempt, or null
 * @param failureCallback called once when the message finally fails, or null
 * @param flowControl flow-control declaration, or null
 * @param redaction fields hidden from API outputs
 * @param deduplicationId the deduplication id, or null
 * @param retried number of attempts already made that failed
 * @param dueAt when the next attempt is due, epoch ms (the due-index key)
 * @param sourceMessageId for callbacks: the message the callback reports on, otherwise null
 */
public record Message(
    String tenant,
    String id,
    MessageKind kind,
    String url,
    String topicName,
    String endpointName,
    String queueName,
    String scheduleId,
    String method,
    Map<String, List<String>> headers,
    byte[] body,
    int maxRetries,
    String retryDelayExpression,
    long timeoutMillis,
    long createdAt,
    long notBefore,
    String callerIp,
    List<String> labels,
    CallbackSpec callback,
    CallbackSpec failureCallback,
    FlowControl flowControl,
    Redaction redaction,
    String deduplicationId,
    int retried,
    long dueAt,
    String sourceMessageId) {

  public Message {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(method, "method");
    headers = Headers.copyOf(headers);
    body = body == null ? new byte[0] : body;
    labels = labels == null ? List.of() : List.copyOf(labels);
    redaction = redaction == null ? Redaction.NONE : redaction;
  }

  public MessageRef ref() {
    return new MessageRef(tenant, id);
  }

  /** This message without its body: what log entries after CREATED carry (it was logged once). */
  public Message withoutBody() {
    return body.length == 0 ? this : toBuilder().withBody(null).build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder with {@code withX} setters; defaults: kind MESSAGE, method POST, 3 retries. */
  public static final class Builder {
    private String tenant;
    private String id;
    private MessageKind kind = MessageKind.MESSAGE;
    private String url;
    private String topicName;
    private String endpointName;
    private String queueName;
    private String scheduleId;
    private String method = "POST";
    private Map<String, List<String>> headers = Map.of();
    private byte[] body = new byte[0];
    private int maxRetries = 3;
    private String retryDelayExpression;
    private long timeoutMillis;
    private long createdAt;
    private long notBefore;
    private String callerIp;
    private List<String> labels = List.of();
    private CallbackSpec callback;
    private CallbackSpec failureCallback;
    private FlowControl flowControl;
    private Redaction redaction = Redaction.NONE;
    private String deduplicationId;
    private int retried;
    private long dueAt;
    private String sourceMessageId;

    private Builder() {}

    private Builder(Message m) {
      tenant = m.tenant;
      id = m.id;
      kind = m.kind;
      url = m.url;
      topicName = m.topicName;
      endpointName = m.endpointName;
      queueName = m.queueName;
      scheduleId = m.scheduleId;
      method = m.method;
      headers = m.headers;
      body = m.body;
      maxRetries = m.maxRetries;
      retryDelayExpression = m.retryDelayExpression;
      timeoutMillis = m.timeoutMillis;
      createdAt = m.createdAt;
      notBefore = m.notBefore;
      callerIp = m.callerIp;
      labels = m.labels;
      callback = m.callback;
      failureCallback = m.failureCallback;
      flowControl = m.flowControl;
      redaction = m.redaction;
      deduplicationId = m.deduplicationId;
      retried = m.retried;
      dueAt = m.dueAt;
      sourceMessageId = m.sourceMessageId;
    }

    public Builder withTenant(String v) {
      tenant = v;
      return this;
    }

    public Builder withId(String v) {
      id = v;
      return this;
    }

    public Builder withKind(MessageKind v) {
      kind = v;
      return this;
    }

    public Builder withUrl(String v) {
      url = v;
      return this;
    }

    public Builder withTopicName(String v) {
      topicName = v;
      return this;
    }

    public Builder withEndpointName(String v) {
      endpointName = v;
      return this;
    }

    public Builder withQueueName(String v) {
      queueName = v;
      return this;
    }

    public Builder withScheduleId(String v) {
      scheduleId = v;
      return this;
    }

    public Builder withMethod(String v) {
      method = v;
      return this;
    }

    public Builder withHeaders(Map<String, List<String>> v) {
      headers = v;
      return this;
    }

    public Builder withBody(byte[] v) {
      body = v;
      return this;
    }

    public Builder withMaxRetries(int v) {
      maxRetries = v;
      return this;
    }

    public Builder withRetryDelayExpression(String v) {
      retryDelayExpression = v;
      return this;
    }

    public Builder withTimeoutMillis(long v) {
      timeoutMillis = v;
      return this;
    }

    public Builder withCreatedAt(long v) {
      createdAt = v;
      return this;
    }

    public Builder withNotBefore(long v) {
      notBefore = v;
      return this;
    }

    public Builder withCallerIp(String v) {
      callerIp = v;
      return this;
    }

    public Builder withLabels(List<String> v) {
      labels = v;
      return this;
    }

    public Builder withCallback(CallbackSpec v) {
      callback = v;
      return this;
    }

    public Builder withFailureCallback(CallbackSpec v) {
      failureCallback = v;
      return this;
    }

    public Builder withFlowControl(FlowControl v) {
      flowControl = v;
      return this;
    }

    public Builder withRedaction(Redaction v) {
      redaction = v;
      return this;
    }

    public Builder withDeduplicationId(String v) {
      deduplicationId = v;
      return this;
    }

    public Builder withRetried(int v) {
      retried = v;
      return this;
    }

    public Builder withDueAt(long v) {
      dueAt = v;
      return this;
    }

    public Builder withSourceMessageId(String v) {
      sourceMessageId = v;
      return this;
    }

    public Message build() {
      return new Message(
          tenant,
          id,
          kind,
          url,
          topicName,
          endpointName,
          queueName,
          scheduleId,
          method,
          headers,
          body,
          maxRetries,
          retryDelayExpression,
          timeoutMillis,
          createdAt,
          notBefore,
          callerIp,
          labels,
          callback,
          failureCallback,
          flowControl,
          redaction,
          deduplicationId,
          retried,
          dueAt,
          sourceMessageId);
    }
  }
}
