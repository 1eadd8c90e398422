package dev.postbox.core.workflow;

import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a workflow message is stored: with the run's headers that every delivery carries exactly once
 * (run id, creation time, SDK version, label, invoke count) and, for a step that asks for {@code
 * WF_TriggerOnConfig}, the run's configuration from its trigger. The legacy SDK (no feature set)
 * repeats its settings on every message, which are then used as they are.
 */
final class StepMessages {
  private StepMessages() {}

  /** The run a trigger starts: its configuration is the trigger's own. */
  static WorkflowRun start(Message trigger, WorkflowHeaders h) {
    Map<String, List<String>> forward = new LinkedHashMap<>();
    trigger
        .headers()
        .forEach(
            (name, values) -> {
              String lower = WorkflowHeaders.lower(name);
              if (!lower.equals("content-type") && !lower.startsWith("upstash-workflow-")) {
                forward.put(name, values);
              }
            });
    String url = h.url() != null ? h.url() : trigger.url();
    String label = trigger.labels().isEmpty() ? null : String.join(",", trigger.labels());
    RunConfig config =
        new RunConfig(
            trigger.maxRetries(),
            trigger.retryDelayExpression(),
            trigger.flowControl(),
            withRunHeaders(trigger.failureCallback(), h.runId(), trigger.createdAt(), url, label),
            forward,
            label);
    return new WorkflowRun(
        trigger.tenant(),
        h.runId(),
        url,
        trigger.createdAt(),
        trigger.id(),
        invokeCount(trigger),
        h.has(WorkflowHeaders.DETECT_TRIGGER),
        config,
        null);
  }

  /** The message as stored for its run. */
  static Message forRun(Message m, WorkflowRun run, WorkflowHeaders h) {
    Map<String, List<String>> headers = new LinkedHashMap<>(m.headers());
    set(headers, WorkflowHeaders.RUN_ID, run.id());
    set(headers, WorkflowHeaders.CREATED_AT, Long.toString(run.createdAt()));
    String version = WorkflowHeaders.first(headers, WorkflowHeaders.SDK_VERSION);
    if (WorkflowHeaders.TO_CALLBACK.equals(h.callType())) {
      // The SDK does not forward it to a call's endpoint: an endpoint that is a `serve` route
      // would read the call's body as a run's history instead of a first call's payload.
      headers.keySet().removeIf(k -> k.equalsIgnoreCase(WorkflowHeaders.SDK_VERSION));
    } else if (version != null) {
      set(headers, WorkflowHeaders.SDK_VERSION, version.trim()); // once, never "1, 1"
    }
    Message.Builder b = m.toBuilder();
    if (h.isStep()) {
      RunConfig c = run.config();
      if (!h.init() && h.has(WorkflowHeaders.TRIGGER_ON_CONFIG)) {
        applyConfig(c, headers, b);
      }
      if (h.init()) {
        b.withFailureCallback(c.failureCallback());
      }
      setLabelAndInvokeCount(run, headers);
    }
    return b.withHeaders(headers).build();
  }

  /**
   * The callback that brings a {@code context.call} answer back to its run (docs/workflow.md), as
   * stored: the run's headers, call type {@code fromCallback} and the run's configuration (the SDK
   * asks for WF_TriggerOnConfig on it), never the SDK version header: the SDK reads a delivery
   * without it as one whose body is not the run's history, here the callback's JSON.
   */
  static Message fromCallback(Message callback, WorkflowRun run) {
    Map<String, List<String>> headers = new LinkedHashMap<>(callback.headers());
    headers.keySet().removeIf(k -> k.equalsIgnoreCase(WorkflowHeaders.SDK_VERSION));
    set(headers, WorkflowHeaders.RUN_ID, run.id());
    set(headers, WorkflowHeaders.CREATED_AT, Long.toString(run.createdAt()));
    set(headers, "Upstash-Workflow-Url", run.url());
    set(headers, WorkflowHeaders.CALL_TYPE, WorkflowHeaders.FROM_CALLBACK);
    Message.Builder b = callback.toBuilder();
    applyConfig(run.config(), headers, b);
    setLabelAndInvokeCount(run, headers);
    return b.withHeaders(headers).build();
  }

  /**
   * The same for a run that is not in memory: its headers are those its call was stored with, and
   * the callback keeps its own configuration.
   */
  static Message fromCallback(Message callback, Message call) {
    Map<String, List<String>> headers = new LinkedHashMap<>(callback.headers());
    headers.keySet().removeIf(k -> k.equalsIgnoreCase(WorkflowHeaders.SDK_VERSION));
    for (String name :
        List.of(WorkflowHeaders.RUN_ID, WorkflowHeaders.CREATED_AT, "Upstash-Workflow-Url")) {
      String v = WorkflowHeaders.first(call.headers(), name);
      if (v != null) {
        set(headers, name, v);
      }
    }
    set(headers, WorkflowHeaders.CALL_TYPE, WorkflowHeaders.FROM_CALLBACK);
    return callback.toBuilder().withHeaders(headers).build();
  }

  /**
   * The SDK's own trigger of a run started with {@code POST /v2/trigger} (docs/workflow.md): it is
   * the run's first history entry and gets the whole run configuration given to that request. The
   * SDK sends back the headers of the delivery that asked it to trigger as forwarded headers; they
   * are dropped for the run's own.
   */
  static Message forSdkTrigger(Message m, WorkflowRun run, WorkflowHeaders h) {
    Map<String, List<String>> own = new LinkedHashMap<>();
    m.headers()
        .forEach(
            (name, values) -> {
              String lower = WorkflowHeaders.lower(name);
              if (lower.startsWith("upstash-workflow-") || lower.equals("content-type")) {
                own.put(name, values);
              }
            });
    Message stored = forRun(m.toBuilder().withHeaders(own).build(), run, h);
    Map<String, List<String>> headers = new LinkedHashMap<>(stored.headers());
    Message.Builder b = stored.toBuilder();
    applyConfig(run.config(), headers, b);
    return b.withHeaders(headers).build();
  }

  /** The run's configuration from its trigger, replacing the message's own. */
  private static void applyConfig(
      RunConfig c, Map<String, List<String>> headers, Message.Builder b) {
    c.forwardHeaders().forEach((name, values) -> putIfAbsent(headers, name, values));
    b.withMaxRetries(c.retries())
        .withRetryDelayExpression(c.retryDelay())
        .withFlowControl(c.flowControl())
        .withFailureCallback(c.failureCallback())
        .withLabels(c.label() == null ? List.of() : Arrays.asList(c.label().split(",")));
  }

  private static void setLabelAndInvokeCount(WorkflowRun run, Map<String, List<String>> headers) {
    if (run.config().label() != null) {
      set(headers, WorkflowHeaders.LABEL, run.config().label());
    }
    if (run.invokeCount() > 0) {
      set(headers, WorkflowHeaders.INVOKE_COUNT, Integer.toString(run.invokeCount()));
    }
  }

  /**
   * The failure callback with the run's headers, as the SDK asks for them with its {@code
   * Upstash-Failure-Callback-Workflow-*} headers: the run id (without it the SDK refuses the
   * callback), creation time, URL, label and the {@code failureCall} call type, which also keeps
   * its delivery from being sent as a step. Its body gets the run's fields when it is sent ({@link
   * WorkflowDeliveries}).
   */
  private static CallbackSpec withRunHeaders(
      CallbackSpec spec, String runId, long createdAt, String url, String label) {
    if (spec == null) {
      return null;
    }
    Map<String, List<String>> headers = new LinkedHashMap<>(spec.headers());
    set(headers, WorkflowHeaders.RUN_ID, runId);
    set(headers, WorkflowHeaders.CREATED_AT, Long.toString(createdAt));
    set(headers, "Upstash-Workflow-Url", url);
    set(headers, WorkflowHeaders.CALL_TYPE, WorkflowHeaders.FAILURE_CALL);
    if (label != null) {
      set(headers, WorkflowHeaders.LABEL, label);
    }
    return spec.withHeaders(headers);
  }

  private static int invokeCount(Message trigger) {
    String v = WorkflowHeaders.first(trigger.headers(), WorkflowHeaders.INVOKE_COUNT);
    try {
      return v == null ? 0 : Math.max(0, Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Sets one value, dropping any other spelling of the name. */
  static void set(Map<String, List<String>> headers, String name, String value) {
    headers.keySet().removeIf(k -> k.equalsIgnoreCase(name));
    headers.put(name, List.of(value));
  }

  private static void putIfAbsent(
      Map<String, List<String>> headers, String name, List<String> values) {
    for (String k : headers.keySet()) {
      if (k.equalsIgnoreCase(name)) {
        return;
      }
    }
    headers.put(name, new ArrayList<>(values));
  }
}
