package com.example.broker.http.api;

import com.example.broker.core.group.UrlGroupService;
import com.example.broker.core.message.Message;
import com.example.broker.core.publish.PublishLimits;
import com.example.broker.core.publish.PublishService;
import com.example.broker.core.time.Clock;
import com.example.broker.http.server.ApiResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v2/publish/{destination}} (§3.1): parse, store durably, answer once on disk. Runs on
 * the event loop: parsing is cheap and the store write is asynchronous.
 */
public final class PublishEndpoint {
  private final PublishService publish;
  private final PublishLimits limits;
  private final Clock clock;
  private final ScheduleEndpoints schedules;
  private final UrlGroupService groups;

  public PublishEndpoint(
      PublishService publish,
      PublishLimits limits,
      Clock clock,
      ScheduleEndpoints schedules,
      UrlGroupService groups) {
    this.publish = publish;
    this.limits = limits;
    this.clock = clock;
    this.schedules = schedules;
    this.groups = groups;
  }

  public CompletableFuture<ApiResponse> publish(Call call) {
    PublishRequest p = PublishRequest.parse(call, limits, clock);
    if (p.options().cron() != null) {
      return schedules.create(call, p); // §16.2
    }
    Message m = p.template(call);
    if (p.urlGroup() == null) {
      return publish.accept(List.of(m)).thenApply(ms -> Json.ok(result(ms.get(0))));
    }
    List<Message> fanned = groups.forPublish(call.tenant().id(), p.urlGroup()).fanOut(m);
    return publish
        .accept(fanned)
        .thenApply(
            ms -> {
              ArrayNode a = Json.MAPPER.createArrayNode();
              ms.forEach(x -> a.add(result(x)));
              return Json.ok(a); // a bare array, one entry per endpoint (§12.1)
            });
  }

  static ObjectNode result(Message m) {
    ObjectNode n = Json.object();
    n.put("messageId", m.id());
    n.put("url", m.url());
    return n;
  }
}
