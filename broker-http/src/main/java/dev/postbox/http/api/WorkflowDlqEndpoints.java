package dev.postbox.http.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.publish.PublishHeaders;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.publish.PublishOptions;
import dev.postbox.core.time.Clock;
import dev.postbox.core.workflow.RunOverrides;
import dev.postbox.core.workflow.WorkflowDlq;
import dev.postbox.core.workflow.WorkflowDlqService;
import dev.postbox.core.workflow.WorkflowDlqService.NewRun;
import dev.postbox.http.api.json.JsonViews;
import dev.postbox.http.api.json.WorkflowDlqView;
import dev.postbox.http.server.ApiResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /v2/workflows/dlq} (docs/workflow.md): resume or restart failed runs as new runs, publish
 * a run's failure callback again, read and delete entries; what the SDK's {@code Client.dlq} calls
 * besides {@code list}. A bulk call takes {@code dlqIds} (repeated or comma-separated), or the
 * workflow DLQ list's filters with {@code count} and {@code cursor}.
 */
public final class WorkflowDlqEndpoints {
  private final WorkflowDlqService dlq;
  private final JsonViews views;
  private final PublishLimits limits;
  private final Clock clock;

  public WorkflowDlqEndpoints(
      WorkflowDlqService dlq, JsonViews views, PublishLimits limits, Clock clock) {
    this.dlq = dlq;
    this.views = views;
    this.limits = limits;
    this.clock = clock;
  }

  /** Adds the routes (all of them read the store, so off the event loop). */
  public Routes register(Routes routes) {
    return routes
        .add("POST", "workflows/dlq/resume", true, c -> rerunMany(c, true))
        .add("POST", "workflows/dlq/resume/{id}", true, c -> rerun(c, true))
        .add("POST", "workflows/dlq/restart", true, c -> rerunMany(c, false))
        .add("POST", "workflows/dlq/restart/{id}", true, c -> rerun(c, false))
        .add("POST", "workflows/dlq/callback/{id}", true, this::retryFailureFunction)
        .add("DELETE", "workflows/dlq", true, this::deleteMany)
        .add("GET", "workflows/dlq/{id}", true, this::get)
        .add("DELETE", "workflows/dlq/{id}", true, this::delete);
  }

  /** {@code {"workflowRunId", "workflowCreatedAt"}} of the new run. */
  CompletableFuture<ApiResponse> rerun(Call call, boolean resume) {
    return dlq.rerun(call.tenant().id(), call.param(0), resume, overrides(call))
        .thenApply(r -> Json.ok(run(r)));
  }

  /** {@code {"cursor"?, "workflowRuns": [{"workflowRunId", "workflowCreatedAt"}]}}. */
  CompletableFuture<ApiResponse> rerunMany(Call call, boolean resume) {
    WorkflowDlq sel = WorkflowDlq.parseBulk(call.query(), dlq.failureCalls());
    RunOverrides o = overrides(call);
    String tenant = call.tenant().id();
    if (!sel.list().dlqIds().isEmpty()) {
      return dlq.rerunIds(tenant, sel.list().dlqIds(), resume, o)
          .thenApply(l -> Json.ok(runs(l, null)));
    }
    return dlq.rerunMatching(tenant, sel, resume, o)
        .thenApply(b -> Json.ok(runs(b.items(), b.nextCursor())));
  }

  CompletableFuture<ApiResponse> retryFailureFunction(Call call) {
    return dlq.retryFailureFunction(call.tenant().id(), call.param(0))
        .thenApply(r -> Json.ok(run(r)));
  }

  CompletableFuture<ApiResponse> get(Call call) {
    return CompletableFuture.completedFuture(
        Json.ok(
            WorkflowDlqView.entry(
                views, dlq.get(call.tenant().id(), call.param(0)), dlq.failureCalls()::of)));
  }

  CompletableFuture<ApiResponse> delete(Call call) {
    return dlq.delete(call.tenant().id(), call.param(0)).thenApply(v -> Json.ok(Json.object()));
  }

  /** {@code {"deleted": n, "cursor"?}}. */
  CompletableFuture<ApiResponse> deleteMany(Call call) {
    WorkflowDlq sel = WorkflowDlq.parseBulk(call.query(), dlq.failureCalls());
    String tenant = call.tenant().id();
    if (!sel.list().dlqIds().isEmpty()) {
      return dlq.deleteIds(tenant, sel.list().dlqIds()).thenApply(n -> Json.ok(deleted(n, null)));
    }
    return dlq.deleteMatching(tenant, sel)
        .thenApply(b -> Json.ok(deleted(b.items().size(), b.nextCursor())));
  }

  private static ObjectNode run(NewRun r) {
    ObjectNode o = Json.object();
    o.put("workflowRunId", r.runId());
    o.put("workflowCreatedAt", r.createdAt());
    return o;
  }

  private static ObjectNode runs(List<NewRun> made, String cursor) {
    ObjectNode o = Json.object();
    if (cursor != null) {
      o.put("cursor", cursor);
    }
    ArrayNode a = o.putArray("workflowRuns");
    made.forEach(r -> a.add(run(r)));
    return o;
  }

  private static ObjectNode deleted(int n, String cursor) {
    ObjectNode o = Json.object();
    o.put("deleted", n);
    if (cursor != null) {
      o.put("cursor", cursor);
    }
    return o;
  }

  /** {@code Upstash-Retries} and {@code Upstash-Flow-Control-Key/Value}, parsed as on a publish. */
  private RunOverrides overrides(Call call) {
    Map<String, List<String>> h = call.request().headers();
    boolean retries = h.containsKey("upstash-retries");
    boolean flow = h.containsKey("upstash-flow-control-key");
    if (!retries && !flow) {
      return RunOverrides.NONE;
    }
    PublishOptions o = PublishHeaders.parse(h, clock.millis(), limits);
    return new RunOverrides(retries ? o.retries() : null, flow ? o.flowControl() : null);
  }
}
