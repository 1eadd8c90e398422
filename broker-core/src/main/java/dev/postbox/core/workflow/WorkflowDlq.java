package dev.postbox.core.workflow;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import dev.postbox.core.query.DlqFilter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The workflow view of the DLQ, {@code GET /v2/dlq?source=workflow} (docs/workflow.md): the failed
 * messages of workflow runs (triggers and steps, not their callbacks), filtered by {@code
 * workflowRunId}, {@code workflowUrl}, {@code workflowCreatedAt} and {@code failureFunctionState}
 * (the state of the run's failure callback, {@link FailureCalls}) besides the plain DLQ list's own
 * parameters (docs/api.md#dlq).
 *
 * @param list the plain DLQ list's parameters (cursor, count, order, url, label, ...)
 * @param predicate which entries are listed
 */
public record WorkflowDlq(DlqFilter list, Predicate<DlqEntry> predicate) {
  private static final String SOURCE = "source";

  /** Whether a DLQ list query asks for the workflow view. */
  public static boolean requested(Map<String, List<String>> q) {
    List<String> v = q.get(SOURCE);
    return v != null && v.size() == 1 && v.get(0).equals("workflow");
  }

  /**
   * Parses a {@code source=workflow} list query; 400 for what the plain list would refuse. The
   * {@code failureFunctionState} filter reads each entry's failure-callback state from {@code
   * calls} (one point read per workflow entry looked at).
   */
  public static WorkflowDlq parse(Map<String, List<String>> q, FailureCalls calls) {
    return parse(q, true, calls);
  }

  /**
   * Parses the selection of a bulk action on the workflow DLQ ({@code /v2/workflows/dlq/*}): {@code
   * dlqIds}, or the list's filters with {@code count} (at most 1000) and {@code cursor}.
   */
  public static WorkflowDlq parseBulk(Map<String, List<String>> q, FailureCalls calls) {
    return parse(q, false, calls);
  }

  private static WorkflowDlq parse(
      Map<String, List<String>> q, boolean forList, FailureCalls calls) {
    Map<String, List<String>> rest = new LinkedHashMap<>(q);
    rest.remove(SOURCE);
    FailureCall.State state = state(take(rest, "failureFunctionState"));
    String runId = take(rest, "workflowRunId");
    String url = take(rest, "workflowUrl");
    String createdAt = take(rest, "workflowCreatedAt");
    DlqFilter list = DlqFilter.parse(rest, forList);
    Predicate<DlqEntry> p =
        e ->
            isWorkflow(e.message())
                && (list.dlqIds().isEmpty() || list.dlqIds().contains(e.dlqId()))
                && (runId == null || runId.equals(runId(e.message())))
                && (url == null || url.equals(url(e.message())))
                && (createdAt == null || createdAt.equals(createdAt(e.message())));
    p = p.and(list.predicate());
    if (state != null) { // last: the only part that reads the store
      p = p.and(e -> calls.of(e).map(c -> c.state() == state).orElse(false));
    }
    return new WorkflowDlq(list, p);
  }

  private static FailureCall.State state(String v) {
    if (v == null) {
      return null;
    }
    try {
      return FailureCall.State.valueOf(v);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          "invalid failureFunctionState: \""
              + v
              + "\" (expected CALLBACK_INPROGRESS, CALLBACK_SUCCESS, CALLBACK_FAIL or"
              + " CALLBACK_CANCELED)");
    }
  }

  /** A workflow run's trigger or step (its callbacks are not listed). */
  static boolean isWorkflow(Message m) {
    return m.kind() == MessageKind.MESSAGE && WorkflowHeaders.runIdOf(m) != null;
  }

  /** The run of a workflow message, or null. */
  public static String runId(Message m) {
    String v = WorkflowHeaders.runIdOf(m);
    return v == null ? null : v.trim();
  }

  /** The workflow URL of a workflow message: its {@code Upstash-Workflow-Url}, else its URL. */
  public static String url(Message m) {
    String v = WorkflowHeaders.first(m.headers(), "Upstash-Workflow-Url");
    return v == null ? m.url() : v.trim();
  }

  /** The run's creation time (epoch ms, as text) a workflow message carries, or null. */
  public static String createdAt(Message m) {
    String v = WorkflowHeaders.first(m.headers(), WorkflowHeaders.CREATED_AT);
    return v == null ? null : v.trim();
  }

  private static String take(Map<String, List<String>> q, String key) {
    List<String> v = q.remove(key);
    if (v == null || v.isEmpty()) {
      return null;
    }
    if (v.size() > 1) {
      throw new InvalidRequestException("the " + key + " filter takes one value");
    }
    return v.get(0).trim();
  }
}
