package dev.postbox.http.api.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.message.Redaction;
import dev.postbox.core.schedule.Cron;
import dev.postbox.core.schedule.Schedule;
import dev.postbox.core.schedule.ScheduleService;
import dev.postbox.core.store.Positioned;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of messages (docs/api.md#messages), DLQ entries (docs/api.md#dlq), log entries
 * (docs/api.md#logs) and schedules (docs/api.md#schedules). Keys that do not apply are omitted,
 * never null. Redacted fields (docs/api.md#redaction) show {@code REDACTED:<sha256 hex>}.
 * Thread-safe.
 */
public final class JsonViews {
  /** The nodes' factory, as ObjectMapper's; no mapper, so that none is made at start. */
  private final JsonNodeFactory nodes = JsonNodeFactory.instance;

  public ObjectNode message(Message m) {
    ObjectNode o = nodes.objectNode();
    writeMessage(o, m);
    bodyAsText(o, "body", "bodyBase64", m.body(), m.redaction().body());
    return o;
  }

  public ObjectNode dlqMessage(DlqEntry e) {
    ObjectNode o = nodes.objectNode();
    o.put("dlqId", e.dlqId());
    writeMessage(o, e.message());
    bodyAsText(o, "body", "bodyBase64", e.message().body(), e.message().redaction().body());
    o.put("responseStatus", e.responseStatus());
    o.set("responseHeader", headers(e.responseHeaders(), Redaction.NONE));
    bodyAsText(o, "responseBody", "responseBodyBase64", e.responseBody(), false);
    if (e.error() != null) {
      o.put("error", e.error());
    }
    o.put("failedAt", e.failedAt());
    return o;
  }

  public ObjectNode logEntry(Positioned<LogEntry> p) {
    LogEntry e = p.item();
    Message m = e.message();
    ObjectNode o = nodes.objectNode();
    o.put("time", e.time());
    o.put("messageId", m.id());
    o.put("state", e.state().name());
    o.put("url", m.url());
    if (e.error() != null) {
      o.put("error", e.error());
    }
    if (e.nextDeliveryTime() > 0
        && (e.state() == MessageState.CREATED || e.state() == MessageState.RETRY)) {
      o.put("nextDeliveryTime", e.nextDeliveryTime());
    }
    putOptional(o, "topicName", m.topicName());
    putOptional(o, "endpointName", m.endpointName());
    putOptional(o, "scheduleId", m.scheduleId());
    putOptional(o, "queueName", m.queueName());
    o.set("header", headers(m.headers(), m.redaction()));
    if (m.body().length > 0) {
      o.put(
          "body",
          m.redaction().body()
              ? Base64.getEncoder()
                  .encodeToString(redacted(m.body()).getBytes(StandardCharsets.UTF_8))
              : Base64.getEncoder().encodeToString(m.body()));
    }
    if (e.responseStatus() != 0) {
      o.put("responseStatus", e.responseStatus());
    }
    if (e.responseBody().length > 0) {
      o.put("responseBody", Base64.getEncoder().encodeToString(e.responseBody()));
    }
    if (!e.responseHeaders().isEmpty()) {
      ObjectNode rh = headers(e.responseHeaders(), Redaction.NONE);
      o.set("responseHeaders", rh);
      o.set("responseHeader", rh.deepCopy());
    }
    if (m.timeoutMillis() > 0) {
      o.put("timeout", m.timeoutMillis());
    }
    o.put("method", m.method());
    if (m.callback() != null) {
      o.put("callback", m.callback().url());
      o.set("callbackHeaders", headers(m.callback().headers(), Redaction.NONE));
    }
    if (m.failureCallback() != null) {
      o.put("failureCallback", m.failureCallback().url());
      o.set("failureCallbackHeaders", headers(m.failureCallback().headers(), Redaction.NONE));
    }
    o.put("maxRetries", m.maxRetries());
    if (m.retryDelayExpression() != null) {
      o.put("retryDelayExpression", m.retryDelayExpression());
      o.put("retryDelayExpr", m.retryDelayExpression());
    }
    labels(o, m.labels());
    flowControl(o, m.flowControl());
    if (m.callerIp() != null) {
      o.put("callerIp", m.callerIp());
      o.put("callerIP", m.callerIp());
    }
    return o;
  }

  /** A schedule object (docs/api.md#schedules). */
  public ObjectNode schedule(ScheduleService.View v) {
    Schedule s = v.schedule();
    Message t = s.template();
    ObjectNode o = nodes.objectNode();
    o.put("scheduleId", s.id());
    o.put("cron", s.cron());
    o.put("createdAt", s.createdAt());
    o.put("destination", t.url());
    o.put("method", t.method());
    o.set("header", headers(t.headers(), t.redaction()));
    bodyAsText(o, "body", "bodyBase64", t.body(), t.redaction().body());
    o.put("retries", t.maxRetries());
    if (s.delayMillis() > 0) {
      o.put("delay", s.delayMillis() / 1000);
    }
    if (t.timeoutMillis() > 0) {
      o.put("timeout", t.timeoutMillis() / 1000);
    }
    callback(o, "callback", "callbackHeader", t.callback());
    callback(o, "failureCallback", "failureCallbackHeader", t.failureCallback());
    if (t.callerIp() != null) {
      o.put("callerIP", t.callerIp());
      o.put("callerIp", t.callerIp());
    }
    o.put("isPaused", s.paused());
    putOptional(o, "queueName", t.queueName());
    flowControl(o, t.flowControl());
    putOptional(o, "retryDelayExpression", t.retryDelayExpression());
    labels(o, t.labels());
    if (s.lastScheduleTime() > 0) {
      o.put("lastScheduleTime", s.lastScheduleTime());
    }
    if (s.nextScheduleTime() != Cron.NEVER) {
      o.put("nextScheduleTime", s.nextScheduleTime());
    }
    if (!v.lastStates().isEmpty()) {
      ObjectNode states = o.putObject("lastScheduleStates");
      v.lastStates().forEach((id, state) -> states.put(id, state.name()));
    }
    return o;
  }

  public ObjectNode logsPage(List<Positioned<LogEntry>> items, String nextCursor) {
    ObjectNode o = nodes.objectNode();
    if (nextCursor != null) {
      o.put("cursor", nextCursor);
    }
    ArrayNode events = o.putArray("events");
    items.forEach(p -> events.add(logEntry(p)));
    o.set("logs", events.deepCopy());
    return o;
  }

  public ObjectNode dlqPage(List<DlqEntry> items, String nextCursor) {
    ObjectNode o = nodes.objectNode();
    ArrayNode messages = o.putArray("messages");
    items.forEach(e -> messages.add(dlqMessage(e)));
    if (nextCursor != null) {
      o.put("cursor", nextCursor);
    }
    return o;
  }

  private void writeMessage(ObjectNode o, Message m) {
    o.put("messageId", m.id());
    o.put("url", m.url());
    if (m.topicName() != null) {
      o.put("topicName", m.topicName());
      o.put("urlGroup", m.topicName());
    }
    putOptional(o, "endpointName", m.endpointName());
    o.put("method", m.method());
    o.set("header", headers(m.headers(), m.redaction()));
    o.put("maxRetries", m.maxRetries());
    putOptional(o, "retryDelayExpression", m.retryDelayExpression());
    o.put("notBefore", m.notBefore());
    o.put("createdAt", m.createdAt());
    callback(o, "callback", "callbackHeader", m.callback());
    callback(o, "failureCallback", "failureCallbackHeader", m.failureCallback());
    putOptional(o, "queueName", m.queueName());
    putOptional(o, "scheduleId", m.scheduleId());
    if (m.callerIp() != null) {
      o.put("callerIP", m.callerIp());
      o.put("callerIp", m.callerIp());
    }
    if (m.timeoutMillis() > 0) {
      o.put("timeout", m.timeoutMillis() / 1000);
    }
    flowControl(o, m.flowControl());
    labels(o, m.labels());
  }

  private void callback(ObjectNode o, String urlKey, String headerKey, CallbackSpec spec) {
    if (spec == null) {
      return;
    }
    o.put(urlKey, spec.url());
    if (!spec.headers().isEmpty()) {
      o.set(headerKey, headers(spec.headers(), Redaction.NONE));
    }
  }

  private static void labels(ObjectNode o, List<String> labels) {
    if (labels.isEmpty()) {
      return;
    }
    o.put("label", labels.get(0));
    ArrayNode a = o.putArray("labels");
    labels.forEach(a::add);
  }

  private static void flowControl(ObjectNode o, FlowControl f) {
    if (f == null) {
      return;
    }
    o.put("flowControlKey", f.key());
    if (f.parallelism() != null) {
      o.put("parallelism", f.parallelism());
    }
    if (f.rate() != null) {
      o.put("rate", f.rate());
    }
    o.put("period", f.periodSeconds());
  }

  private ObjectNode headers(Map<String, List<String>> headers, Redaction redaction) {
    ObjectNode h = nodes.objectNode();
    headers.forEach(
        (name, values) -> {
          ArrayNode a = h.putArray(name);
          boolean hide = redaction.hidesHeader(name);
          for (String v : values) {
            a.add(hide ? redacted(v.getBytes(StandardCharsets.UTF_8)) : v);
          }
        });
    return h;
  }

  /** {@code body} as text when it is UTF-8, else {@code bodyBase64}; nothing when empty. */
  private static void bodyAsText(
      ObjectNode o, String textKey, String base64Key, byte[] body, boolean redact) {
    if (body.length == 0) {
      return;
    }
    if (redact) {
      o.put(textKey, redacted(body));
      return;
    }
    String text = utf8OrNull(body);
    if (text != null) {
      o.put(textKey, text);
    } else {
      o.put(base64Key, Base64.getEncoder().encodeToString(body));
    }
  }

  private static String utf8OrNull(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static String redacted(byte[] original) {
    try {
      return "REDACTED:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(original));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void putOptional(ObjectNode o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }
}
