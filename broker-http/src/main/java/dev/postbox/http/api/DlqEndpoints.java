package dev.postbox.http.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.dlq.DlqService;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.PublishHeaders;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.publish.PublishOptions;
import dev.postbox.core.query.DlqFilter;
import dev.postbox.core.store.Page;
import dev.postbox.core.time.Clock;
import dev.postbox.core.workflow.FailureCalls;
import dev.postbox.core.workflow.WorkflowDlq;
import dev.postbox.http.api.json.JsonViews;
import dev.postbox.http.api.json.WorkflowDlqView;
import dev.postbox.http.server.ApiResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /v2/dlq} (docs/api.md#dlq): list, get, delete, bulk delete, retry, bulk retry; the list
 * with {@code source=workflow} is the workflow DLQ (docs/workflow.md).
 */
public final class DlqEndpoints {
  private final DlqService dlq;
  private final JsonViews views;
  private final PublishLimits limits;
  private final Clock clock;
  private final FailureCalls failureCalls;

  /**
   * @param failureCalls the failure-callback states the workflow view shows and filters by
   */
  public DlqEndpoints(
      DlqService dlq,
      JsonViews views,
      PublishLimits limits,
      Clock clock,
      FailureCalls failureCalls) {
    this.dlq = dlq;
    this.views = views;
    this.limits = limits;
    this.clock = clock;
    this.failureCalls = failureCalls;
  }

  public CompletableFuture<ApiResponse> list(Call call) {
    String tenant = call.tenant().id();
    if (WorkflowDlq.requested(call.query())) {
      WorkflowDlq w = WorkflowDlq.parse(call.query(), failureCalls);
      DlqFilter f = w.list();
      Page<DlqEntry> page = dlq.list(tenant, f.cursor(), f.count(), f.newestFirst(), w.predicate());
      return done(
          Json.ok(WorkflowDlqView.page(views, page.items(), page.nextCursor(), failureCalls::of)));
    }
    DlqFilter f = DlqFilter.parse(call.query(), true);
    if (!f.dlqIds().isEmpty()) {
      List<DlqEntry> found = new ArrayList<>();
      for (String id : f.dlqIds()) {
        try {
          found.add(dlq.get(tenant, id));
        } catch (NotFoundException missing) {
          // listing by ids returns the ones that exist
        }
      }
      return done(Json.ok(views.dlqPage(found, null)));
    }
    Page<DlqEntry> page = dlq.list(tenant, f.cursor(), f.count(), f.newestFirst(), f.predicate());
    return done(Json.ok(views.dlqPage(page.items(), page.nextCursor())));
  }

  public CompletableFuture<ApiResponse> get(Call call) {
    return done(Json.ok(views.dlqMessage(dlq.get(call.tenant().id(), call.param(0)))));
  }

  public CompletableFuture<ApiResponse> delete(Call call) {
    return dlq.delete(call.tenant().id(), call.param(0)).thenApply(v -> Json.ok(Json.object()));
  }

  public CompletableFuture<ApiResponse> deleteMany(Call call) {
    DlqFilter f = DlqFilter.parse(BulkBodies.merge(call.query(), call.request(), "dlqIds"), false);
    String tenant = call.tenant().id();
    if (!f.dlqIds().isEmpty()) {
      return dlq.deleteIds(tenant, f.dlqIds()).thenApply(n -> Json.ok(deleted(n, null)));
    }
    return dlq.deleteMatching(tenant, f.cursor(), f.count(), f.predicate())
        .thenApply(b -> Json.ok(deleted(b.items().size(), b.nextCursor())));
  }

  public CompletableFuture<ApiResponse> retry(Call call) {
    return dlq.retry(call.tenant().id(), call.param(0), overrides(call))
        .thenApply(m -> Json.response(201, PublishEndpoint.result(m)));
  }

  public CompletableFuture<ApiResponse> retryMany(Call call) {
    DlqFilter f = DlqFilter.parse(BulkBodies.merge(call.query(), call.request(), "dlqIds"), false);
    String tenant = call.tenant().id();
    DlqService.Overrides o = overrides(call);
    if (!f.dlqIds().isEmpty()) {
      return dlq.retryIds(tenant, f.dlqIds(), o)
          .thenApply(ms -> Json.response(201, retried(ms, null)));
    }
    return dlq.retryMatching(tenant, f.cursor(), f.count(), f.predicate(), o)
        .thenApply(b -> Json.response(201, retried(b.items(), b.nextCursor())));
  }

  private static ObjectNode deleted(int n, String cursor) {
    ObjectNode o = Json.object();
    o.put("deleted", n);
    if (cursor != null) {
      o.put("cursor", cursor);
    }
    return o;
  }

  private static ObjectNode retried(List<Message> ms, String cursor) {
    ObjectNode o = Json.object();
    if (cursor != null) {
      o.put("cursor", cursor);
    }
    ArrayNode responses = o.putArray("responses");
    ms.forEach(m -> responses.add(PublishEndpoint.result(m)));
    return o;
  }

  /** Publish headers on a retry request override the failed message's configuration. */
  private DlqService.Overrides overrides(Call call) {
    Map<String, List<String>> h = call.request().headers();
    boolean any =
        h.keySet().stream()
            .anyMatch(k -> k.startsWith("upstash-") && !k.startsWith("upstash-telemetry-"));
    if (!any) {
      return DlqService.Overrides.NONE;
    }
    long now = clock.millis();
    PublishOptions o = PublishHeaders.parse(h, now, limits);
    return b -> {
      if (h.containsKey("upstash-method")) {
        b.withMethod(o.method());
      }
      if (h.containsKey("upstash-retries")) {
        b.withMaxRetries(o.retries());
      }
      if (h.containsKey("upstash-retry-delay")) {
        b.withRetryDelayExpression(o.retryDelayExpression());
      }
      if (h.containsKey("upstash-timeout")) {
        b.withTimeoutMillis(o.timeoutMillis());
      }
      if (h.containsKey("upstash-delay") || h.containsKey("upstash-not-before")) {
        b.withNotBefore(o.notBefore()).withDueAt(o.notBefore());
      }
      if (h.containsKey("upstash-callback")) {
        b.withCallback(o.callback());
      }
      if (h.containsKey("upstash-failure-callback")) {
        b.withFailureCallback(o.failureCallback());
      }
      if (h.containsKey("upstash-label")) {
        b.withLabels(o.labels());
      }
      return b;
    };
  }

  private static CompletableFuture<ApiResponse> done(ApiResponse r) {
    return CompletableFuture.completedFuture(r);
  }
}
