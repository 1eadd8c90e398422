package dev.postbox.http.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.query.RunFilter;
import dev.postbox.core.workflow.HistoryJson;
import dev.postbox.core.workflow.WorkflowRun;
import dev.postbox.core.workflow.WorkflowService;
import dev.postbox.http.server.ApiResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * {@code /v2/workflows/runs} (docs/workflow.md): a run's history for the SDK's lazy fetch, ending a
 * run (the SDK calls it when the workflow returns, or on {@code context.cancel()}), and bulk cancel
 * ({@code Client.cancel}).
 */
public final class WorkflowEndpoints {
  /** Runs one bulk cancel handles when the caller gives no count (the SDK's default). */
  static final int DEFAULT_BULK = 100;

  /** The most runs one bulk cancel handles; clients loop until 0 come back. */
  static final int MAX_BULK = 1000;

  private final WorkflowService workflows;
  private final WorkflowLogEndpoints logs;

  public WorkflowEndpoints(WorkflowService workflows) {
    this.workflows = workflows;
    this.logs = new WorkflowLogEndpoints(workflows.logs());
  }

  /** The workflow logs' routes. */
  public WorkflowLogEndpoints logs() {
    return logs;
  }

  /** {@code GET /v2/workflows/runs/{id}}: the history array, 404 once the run has ended. */
  public CompletableFuture<ApiResponse> history(Call call) {
    byte[] body = HistoryJson.encode(workflows.history(call.tenant().id(), call.param(0)));
    return CompletableFuture.completedFuture(ApiResponse.json(200, body));
  }

  /**
   * {@code DELETE /v2/workflows/runs/{id}?cancel=false|true}: RUN_SUCCESS with the request body as
   * the run's response, or RUN_CANCELED.
   */
  public CompletableFuture<ApiResponse> end(Call call) {
    boolean cancel = bool(call.query(), "cancel");
    return workflows
        .end(call.tenant().id(), call.param(0), cancel, call.request().body())
        .thenApply(v -> Json.ok(Json.object()));
  }

  /**
   * {@code DELETE /v2/workflows/runs}: cancels the runs listed in {@code workflowRunIds} (repeated
   * or comma-separated), or up to {@code count} going runs matching the filters (see {@link
   * #filter}) in run-id order, after the run id {@code cursor} when given; {@code {"cancelled":
   * n}}.
   */
  public CompletableFuture<ApiResponse> cancelMany(Call call) {
    Map<String, List<String>> q = QueryParams.withoutToken(call.query());
    String tenant = call.tenant().id();
    List<String> ids = new ArrayList<>();
    for (String v : q.getOrDefault("workflowRunIds", List.of())) {
      for (String id : v.split(",")) {
        if (!id.isBlank()) {
          ids.add(id.trim());
        }
      }
    }
    CompletableFuture<Integer> n =
        ids.isEmpty()
            ? workflows.cancelMatching(tenant, first(q, "cursor"), filter(q), count(q))
            : workflows.cancelIds(tenant, ids);
    return n.thenApply(
        c -> {
          ObjectNode o = Json.object();
          o.put("cancelled", c);
          return Json.ok(o);
        });
  }

  /**
   * The run filters (docs/workflow.md): URL (prefix, or exact), label, creation time ({@code
   * fromDate}, {@code toDate}), flow-control key, host and path; 400 for a malformed value and for
   * {@code callerIp}, which runs do not record.
   */
  private static Predicate<WorkflowRun> filter(Map<String, List<String>> q) {
    Map<String, List<String>> rest = new LinkedHashMap<>(q);
    for (String k : List.of("workflowRunIds", "workflowUrlExactMatch", "count", "cursor")) {
      rest.remove(k);
    }
    return RunFilter.forCancel(rest, bool(q, "workflowUrlExactMatch")).predicate();
  }

  private static int count(Map<String, List<String>> q) {
    String v = first(q, "count");
    if (v == null) {
      return DEFAULT_BULK;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 1) {
        throw new InvalidRequestException("invalid count: must be at least 1");
      }
      return Math.min(n, MAX_BULK);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("invalid count: \"" + v + "\" (expected an integer)");
    }
  }

  private static boolean bool(Map<String, List<String>> q, String name) {
    String v = first(q, name);
    if (v == null) {
      return false;
    }
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new InvalidRequestException(
            "invalid " + name + ": \"" + v + "\" (expected true or false)");
    }
  }

  private static String first(Map<String, List<String>> q, String name) {
    List<String> v = q.get(name);
    return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0);
  }
}
