package dev.postbox.core.workflow;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.MessageFactory;
import dev.postbox.core.publish.PublishHeaders;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.publish.PublishOptions;
import dev.postbox.core.store.StoreBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code context.invoke} (docs/workflow.md): the SDK triggers the invoked run with {@code
 * Upstash-Workflow-Invoke: true} and a body that describes the invoking run ({@code workflowUrl},
 * {@code workflowRunId}, {@code workflowRunCreatedAt}, {@code headers}, {@code step}) and holds the
 * invoked run's payload ({@code body}). When the invoked run ends, the invoking run gets its Invoke
 * step with {@code out} = JSON {@code {body?, isFailed, isCanceled}}, published to its URL with
 * those headers as its own SDK would publish it, in the same write that ends the invoked run.
 */
final class Invocations {
  static final String INVOKE = "Upstash-Workflow-Invoke";

  private Invocations() {}

  /** What an invoke trigger carries: who invoked, and the invoked run's initial payload. */
  record Request(Invoker invoker, byte[] payload) {}

  static boolean isInvoke(Message m) {
    return "true".equalsIgnoreCase(trim(WorkflowHeaders.first(m.headers(), INVOKE)));
  }

  /** The invoke request in a trigger's body; 400 when it is not one. */
  static Request parse(Message trigger, long now) {
    Object root = JsonValues.parse(new String(trigger.body(), StandardCharsets.UTF_8));
    if (!(root instanceof Map<?, ?> o)) {
      throw invalid("the body must be a JSON object");
    }
    String url = string(o, "workflowUrl");
    String runId = string(o, "workflowRunId");
    Object created = o.get("workflowRunCreatedAt");
    long createdAt = created instanceof JsonValues.Num n ? n.asLong() : 0;
    if (!(o.get("step") instanceof Map<?, ?> step)) {
      throw invalid("\"step\" must be a JSON object");
    }
    Map<String, List<String>> headers = headers(o.get("headers"));
    WorkflowHeaders h = WorkflowHeaders.parse(headers);
    if (h == null || !h.runId().equals(runId)) {
      throw invalid("\"headers\" must carry the invoking run's Upstash-Workflow-RunId");
    }
    PublishHeaders.parse(headers, now, PublishLimits.defaults()); // refused now, not at its end
    Object body = o.get("body");
    byte[] payload =
        body == null || body == JsonValues.NULL
            ? new byte[0]
            : (body instanceof String s ? s : JsonValues.write(body))
                .getBytes(StandardCharsets.UTF_8);
    return new Request(
        new Invoker(url, runId, createdAt, headers, JsonValues.write(step)), payload);
  }

  /**
   * The invoking run's Invoke step as its SDK reads it: the step it described with {@code out} set.
   * A run that succeeded gives its response as {@code body} (left out when it is empty).
   */
  static byte[] resultStep(Invoker invoker, RunEnd end) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (end.state() == WorkflowState.RUN_SUCCESS && end.response().length > 0) {
      out.put("body", new String(end.response(), StandardCharsets.UTF_8));
    }
    out.put("isFailed", end.state() == WorkflowState.RUN_FAILED);
    out.put("isCanceled", end.state() == WorkflowState.RUN_CANCELED);
    @SuppressWarnings("unchecked")
    Map<String, Object> step = (Map<String, Object>) JsonValues.parse(invoker.step());
    step.put("out", JsonValues.write(out));
    return JsonValues.write(step).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Appends the Invoke step of an invoked run that has just ended to its invoking run, adding its
   * history entry and its message to {@code batch}; null when the invoking run is unknown (nothing
   * added) or has ended. An invoking run that ended first (a parallel branch failed it while the
   * invoked run went on) gets the history entry alone, so that its logs show the invoke as done; no
   * message goes to its endpoint. Takes the invoking run's monitor: callers may hold the invoked
   * run's, never the other way round (an invoking run never waits on its invoked runs).
   */
  static Message appendToInvoker(
      RunTable.LiveRun parent, Invoker invoker, RunEnd end, StoreBatch batch, long now) {
    synchronized (parent) {
      if (parent.run == null) {
        return null;
      }
      byte[] body = resultStep(invoker, end);
      Map<String, List<String>> headers = invoker.headers();
      PublishOptions o = PublishHeaders.parse(headers, now, PublishLimits.defaults());
      Message m = MessageFactory.create(parent.tenant, invoker.url(), body, o, null, now);
      WorkflowHeaders h = WorkflowHeaders.parse(headers);
      Message stored = StepMessages.forRun(m, parent.run, h);
      batch.putHistoryEntry(
          new HistoryEntry(
              parent.tenant, parent.runId, parent.nextSeq++, stored.id(), body, h.callType()));
      if (parent.run.ended()) {
        return null;
      }
      batch.putNewMessage(stored);
      return stored;
    }
  }

  private static Map<String, List<String>> headers(Object v) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (!(v instanceof Map<?, ?> m)) {
      throw invalid("\"headers\" must be a JSON object");
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      List<String> values = new ArrayList<>();
      if (e.getValue() instanceof List<?> l) {
        for (Object x : l) {
          if (!(x instanceof String s)) {
            throw invalid("header " + e.getKey() + " must hold strings");
          }
          values.add(s);
        }
      } else if (e.getValue() instanceof String s) {
        values.add(s);
      } else {
        throw invalid("header " + e.getKey() + " must hold strings");
      }
      String name = (String) e.getKey();
      String lower = WorkflowHeaders.lower(name);
      if (lower.startsWith("upstash-") || lower.equals("content-type")) {
        out.put(name, values); // not the SDK client's Authorization: it is not kept
      }
    }
    return out;
  }

  private static String string(Map<?, ?> o, String name) {
    if (o.get(name) instanceof String s && !s.isBlank()) {
      return s;
    }
    throw invalid("\"" + name + "\" must be a non-empty string");
  }

  private static String trim(String s) {
    return s == null ? null : s.trim();
  }

  private static InvalidRequestException invalid(String what) {
    return new InvalidRequestException("invalid invoke request: " + what);
  }
}
