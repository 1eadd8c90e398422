package com.example.broker.http.api;

import com.example.broker.core.message.Message;
import com.example.broker.core.publish.MessageFactory;
import com.example.broker.core.publish.PublishLimits;
import com.example.broker.core.publish.PublishService;
import com.example.broker.core.time.Clock;
import com.example.broker.http.server.ApiResponse;
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

  public PublishEndpoint(
      PublishService publish, PublishLimits limits, Clock clock, ScheduleEndpoints schedules) {
    this.publish = publish;
    this.limits = limits;
    this.clock = clock;
    this.schedules = schedules;
  }

  public CompletableFuture<ApiResponse> publish(Call call) {
    PublishRequest p = PublishRequest.parse(call, limits, clock);
    if (p.options().cron() != null) {
      return schedules.create(call, p); // §16.2
    }
    Message m =
        MessageFactory.create(
            call.tenant().id(),
            p.url(),
            call.request().body(),
            p.options(),
            call.request().remoteIp(),
            p.now());
    return publish.accept(List.of(m)).thenApply(ms -> Json.ok(result(ms.get(0))));
  }

  static ObjectNode result(Message m) {
    ObjectNode n = Json.object();
    n.put("messageId", m.id());
    n.put("url", m.url());
    return n;
  }
}
