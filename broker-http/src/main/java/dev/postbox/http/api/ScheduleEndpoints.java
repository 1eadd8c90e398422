package dev.postbox.http.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.group.UrlGroupService;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.publish.PublishOptions;
import dev.postbox.core.schedule.ScheduleService;
import dev.postbox.core.time.Clock;
import dev.postbox.http.api.json.JsonViews;
import dev.postbox.http.server.ApiResponse;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /v2/schedules} (docs/api.md#schedules): create or replace, get, list, delete, pause and
 * resume (with PATCH, as the SDKs send, or POST, as the docs say). Publishing with {@code
 * Upstash-Cron} comes here too.
 */
public final class ScheduleEndpoints {
  private final ScheduleService schedules;
  private final UrlGroupService groups;
  private final JsonViews views;
  private final PublishLimits limits;
  private final Clock clock;

  /** {@code groups}: a schedule to a URL group takes the group's default headers when created. */
  public ScheduleEndpoints(
      ScheduleService schedules,
      UrlGroupService groups,
      JsonViews views,
      PublishLimits limits,
      Clock clock) {
    this.schedules = schedules;
    this.groups = groups;
    this.views = views;
    this.limits = limits;
    this.clock = clock;
  }

  /** {@code POST /v2/schedules/{destination}}. */
  public CompletableFuture<ApiResponse> create(Call call) {
    PublishRequest p =
        PublishRequest.parse(
            call, group -> groups.defaultHeaders(call.tenant().id(), group), limits, clock);
    if (p.options().cron() == null) {
      throw new InvalidRequestException("Upstash-Cron is required to create a schedule");
    }
    return create(call, p);
  }

  /** Creates the schedule a publish-like request with {@code Upstash-Cron} describes. */
  CompletableFuture<ApiResponse> create(Call call, PublishRequest p) {
    for (String name : p.headers().keySet()) {
      if (name.equalsIgnoreCase("upstash-not-before")) {
        throw new InvalidRequestException(
            "Upstash-Not-Before does not apply to schedules; use Upstash-Delay to delay each"
                + " produced message after its tick");
      }
    }
    PublishOptions o = p.options();
    if (p.urlGroup() != null) {
      UrlGroupService.checkName(p.urlGroup(), "URL group name"); // may be created later
    }
    Message template =
        p.template(call).toBuilder()
            .withQueueName(o.queueName()) // produced messages are enqueued there
            .build();
    return schedules
        .put(o.scheduleId(), o.cron(), template, o.delayMillis())
        .thenApply(
            id -> {
              ObjectNode n = Json.object();
              n.put("scheduleId", id);
              return Json.ok(n);
            });
  }

  public CompletableFuture<ApiResponse> get(Call call) {
    return CompletableFuture.completedFuture(
        Json.ok(views.schedule(schedules.get(call.tenant().id(), call.param(0)))));
  }

  public CompletableFuture<ApiResponse> list(Call call) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    schedules.list(call.tenant().id()).forEach(v -> a.add(views.schedule(v)));
    return CompletableFuture.completedFuture(Json.ok(a));
  }

  public CompletableFuture<ApiResponse> delete(Call call) {
    return schedules.delete(call.tenant().id(), call.param(0)).thenApply(v -> empty());
  }

  public CompletableFuture<ApiResponse> pause(Call call) {
    return schedules.setPaused(call.tenant().id(), call.param(0), true).thenApply(v -> empty());
  }

  public CompletableFuture<ApiResponse> resume(Call call) {
    return schedules.setPaused(call.tenant().id(), call.param(0), false).thenApply(v -> empty());
  }

  private static ApiResponse empty() {
    return Json.ok(Json.object());
  }
}
