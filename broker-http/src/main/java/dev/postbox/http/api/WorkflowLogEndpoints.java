package dev.postbox.http.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.query.RunFilter;
import dev.postbox.core.store.Page;
import dev.postbox.core.workflow.RunLog;
import dev.postbox.core.workflow.RunLogs;
import dev.postbox.http.server.ApiResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The workflow logs (docs/workflow.md): {@code GET /v2/workflows/logs} and {@code GET
 * /v2/workflows/events?groupBy=workflowRunId} ({@code Client.logs}) answer {@code {"cursor"?,
 * "runs": [WorkflowRunLog]}}, newest runs first, at most {@code count} (default and most: 10).
 */
public final class WorkflowLogEndpoints {
  /** Runs a page holds when the caller gives no count, and the most it holds. */
  static final int MAX_RUNS = 10;

  private final RunLogs logs;

  public WorkflowLogEndpoints(RunLogs logs) {
    this.logs = logs;
  }

  /** {@code GET /v2/workflows/events}: only the runs view ({@code groupBy=workflowRunId}). */
  public CompletableFuture<ApiResponse> events(Call call) {
    List<String> groupBy = call.query().get("groupBy");
    if (groupBy == null || groupBy.size() != 1 || !groupBy.get(0).equals("workflowRunId")) {
      throw new InvalidRequestException(
          "only groupBy=workflowRunId is supported on /v2/workflows/events (docs/workflow.md)");
    }
    return runs(call);
  }

  /** {@code GET /v2/workflows/logs}. */
  public CompletableFuture<ApiResponse> runs(Call call) {
    Map<String, List<String>> q = new LinkedHashMap<>(QueryParams.withoutToken(call.query()));
    q.remove("groupBy");
    String cursor = single(q.remove("cursor"));
    int count = count(single(q.remove("count")));
    Page<RunLog> page = logs.list(call.tenant().id(), RunFilter.forLogs(q), cursor, count);
    ObjectNode o = Json.object();
    if (page.nextCursor() != null) {
      o.put("cursor", page.nextCursor());
    }
    ArrayNode runs = o.putArray("runs");
    page.items().forEach(r -> runs.add(WorkflowLogView.run(r)));
    return CompletableFuture.completedFuture(Json.ok(o));
  }

  private static int count(String v) {
    if (v == null) {
      return MAX_RUNS;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 1) {
        throw new InvalidRequestException("invalid count: must be at least 1");
      }
      return Math.min(n, MAX_RUNS);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("invalid count: \"" + v + "\" (expected an integer)");
    }
  }

  private static String single(List<String> v) {
    return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0).trim();
  }
}
