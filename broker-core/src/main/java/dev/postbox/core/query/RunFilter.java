package dev.postbox.core.query;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.workflow.WorkflowRun;
import dev.postbox.core.workflow.WorkflowState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The filters of workflow run listings and bulk cancel (docs/workflow.md): OR within one filter,
 * AND across filters. {@code workflowUrl} is exact for the logs and a prefix for cancel unless
 * {@code workflowUrlExactMatch=true}. Runs do not record their caller's address, so {@code
 * callerIp} is refused rather than ignored.
 *
 * @param runId the one run asked for ({@code workflowRunId}), or null
 * @param fromMs the oldest creation time wanted ({@code fromDate}, {@code workflowCreatedAt})
 * @param toMs the newest creation time wanted ({@code toDate}, {@code workflowCreatedAt})
 * @param predicate every filter, the time range and run id included
 */
public record RunFilter(String runId, long fromMs, long toMs, Predicate<WorkflowRun> predicate) {

  /** The filters of {@code GET /v2/workflows/logs} (and {@code /events}). */
  public static RunFilter forLogs(Map<String, List<String>> q) {
    if (q.containsKey("messageId")) {
      throw new InvalidRequestException("the messageId filter of workflow logs is not supported");
    }
    return parse(q, true);
  }

  /** The filters of {@code DELETE /v2/workflows/runs}. */
  public static RunFilter forCancel(Map<String, List<String>> q, boolean exactUrl) {
    return parse(q, exactUrl);
  }

  private static RunFilter parse(Map<String, List<String>> q, boolean exactUrl) {
    for (String key : List.of("callerIp", "callerIP")) {
      if (q.containsKey(key)) {
        throw new InvalidRequestException(
            "the " + key + " filter is not supported for workflow runs (docs/workflow.md)");
      }
    }
    List<Predicate<WorkflowRun>> all = new ArrayList<>();
    String runId = Criteria.single(q, "workflowRunId");
    if (runId != null) {
      String id = runId.trim();
      all.add(r -> r.id().equals(id));
    }
    long from = Math.max(0, orElse(Criteria.epochMillis(q, "fromDate"), 0));
    long to = orElse(Criteria.epochMillis(q, "toDate"), Long.MAX_VALUE);
    Long createdAt = Criteria.epochMillis(q, "workflowCreatedAt");
    if (createdAt != null) {
      from = Math.max(from, createdAt);
      to = Math.min(to, createdAt);
    }
    long lo = from;
    long hi = to;
    all.add(r -> r.createdAt() >= lo && r.createdAt() <= hi);
    List<String> urls = Criteria.values(q, "workflowUrl");
    if (!urls.isEmpty()) {
      all.add(
          r -> urls.stream().anyMatch(u -> exactUrl ? r.url().equals(u) : r.url().startsWith(u)));
    }
    Set<String> labels = Criteria.set(q, "label");
    if (!labels.isEmpty()) {
      all.add(r -> r.config().label() != null && anyLabel(r.config().label(), labels));
    }
    Set<WorkflowState> states = states(q);
    if (!states.isEmpty()) {
      all.add(r -> states.contains(r.state()));
    }
    Set<String> keys = Criteria.set(q, "flowControlKey");
    if (!keys.isEmpty()) {
      all.add(
          r -> r.config().flowControl() != null && keys.contains(r.config().flowControl().key()));
    }
    Set<String> hosts = new LinkedHashSet<>();
    Criteria.values(q, "host").forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
    if (!hosts.isEmpty()) {
      all.add(r -> hosts.contains(Criteria.hostOf(r.url())));
    }
    Set<String> paths = Criteria.set(q, "path");
    if (!paths.isEmpty()) {
      all.add(r -> paths.contains(Criteria.pathOf(r.url())));
    }
    List<Predicate<WorkflowRun>> copy = List.copyOf(all);
    return new RunFilter(
        runId == null ? null : runId.trim(), lo, hi, r -> copy.stream().allMatch(p -> p.test(r)));
  }

  private static Set<WorkflowState> states(Map<String, List<String>> q) {
    Set<WorkflowState> out = new LinkedHashSet<>();
    for (String v : Criteria.values(q, "state")) {
      try {
        out.add(WorkflowState.valueOf(v.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException(
            "invalid state: \""
                + v
                + "\" (expected RUN_STARTED, RUN_SUCCESS, RUN_FAILED or"
                + " RUN_CANCELED)");
      }
    }
    return out;
  }

  /** A run's label is its labels joined with commas. */
  private static boolean anyLabel(String runLabel, Set<String> wanted) {
    for (String l : runLabel.split(",")) {
      if (wanted.contains(l.trim())) {
        return true;
      }
    }
    return false;
  }

  private static long orElse(Long v, long otherwise) {
    return v == null ? otherwise : v;
  }
}
