package dev.postbox.core.workflow;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.Headers;
import dev.postbox.core.message.Message;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code Upstash-Workflow-*} and {@code Upstash-Feature-Set} headers of a published message
 * (docs/workflow.md): a message with a run id is a workflow message.
 *
 * @param runId {@code Upstash-Workflow-RunId}
 * @param init {@code Upstash-Workflow-Init: true}: the trigger that creates the run
 * @param url {@code Upstash-Workflow-Url}, or null
 * @param callType {@code Upstash-Workflow-CallType}, {@link #STEP} when absent
 * @param features the {@code Upstash-Feature-Set} flags; empty for the legacy SDK
 */
public record WorkflowHeaders(
    String runId, boolean init, String url, String callType, Set<String> features) {
  public static final String RUN_ID = "Upstash-Workflow-RunId";
  public static final String CREATED_AT = "Upstash-Workflow-CreatedAt";
  public static final String SDK_VERSION = "Upstash-Workflow-Sdk-Version";
  public static final String INVOKE_COUNT = "Upstash-Workflow-Invoke-Count";
  public static final String CALL_TYPE = "Upstash-Workflow-CallType";
  public static final String LABEL = "Upstash-Label";
  public static final String STEP = "step";
  public static final String FAILURE_CALL = "failureCall";
  public static final String TO_CALLBACK = "toCallback";
  public static final String FROM_CALLBACK = "fromCallback";
  public static final String TRIGGER_ON_CONFIG = "WF_TriggerOnConfig";
  public static final String DETECT_TRIGGER = "WF_DetectTrigger";

  public WorkflowHeaders {
    features = Set.copyOf(features);
  }

  /** The workflow headers of a request, or null when it carries no run id (not a workflow). */
  public static WorkflowHeaders parse(Map<String, List<String>> requestHeaders) {
    String runId = first(requestHeaders, RUN_ID);
    if (runId == null) {
      return null;
    }
    String init = first(requestHeaders, "Upstash-Workflow-Init");
    if (init != null && !init.equalsIgnoreCase("true") && !init.equalsIgnoreCase("false")) {
      throw new InvalidRequestException(
          "invalid Upstash-Workflow-Init: \"" + init + "\" (expected true or false)");
    }
    Set<String> features = new LinkedHashSet<>();
    String set = first(requestHeaders, "Upstash-Feature-Set");
    if (set != null) {
      for (String f : set.split(",")) {
        if (!f.isBlank()) {
          features.add(f.trim());
        }
      }
    }
    String callType = first(requestHeaders, CALL_TYPE);
    return new WorkflowHeaders(
        runId.trim(),
        "true".equalsIgnoreCase(init),
        first(requestHeaders, "Upstash-Workflow-Url"),
        callType == null ? STEP : callType.trim(),
        features);
  }

  /** Whether a step of this kind gets the run history as its body and the run's configuration. */
  public boolean isStep() {
    return STEP.equals(callType);
  }

  public boolean has(String feature) {
    return features.contains(feature);
  }

  /** The run id a stored message was published with, or null when it is not a workflow message. */
  public static String runIdOf(Message m) {
    return first(m.headers(), RUN_ID);
  }

  /** Whether a stored workflow message is a step (its delivery carries the run history). */
  public static boolean isStep(Message m) {
    return callTypeOf(m).equals(STEP);
  }

  /** The call type a stored workflow message was published with, {@link #STEP} when absent. */
  public static String callTypeOf(Message m) {
    String t = first(m.headers(), CALL_TYPE);
    return t == null ? STEP : t.trim();
  }

  /** First non-blank value, looked up case-insensitively. */
  static String first(Map<String, List<String>> headers, String name) {
    String v = Headers.first(headers, name);
    return v == null || v.isBlank() ? null : v;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
