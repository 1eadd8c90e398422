package com.example.broker.http.api;

import com.example.broker.core.message.Message;
import com.example.broker.core.publish.MessageFactory;
import com.example.broker.core.publish.PublishHeaders;
import com.example.broker.core.publish.PublishLimits;
import com.example.broker.core.publish.PublishOptions;
import com.example.broker.core.publish.PublishService;
import com.example.broker.core.time.Clock;
import com.example.broker.http.server.ApiResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    Destination d = Destination.parse(call.rest(), call.request().rawQuery());
    if (d.url() == null) {
      throw d.unknownGroup();
    }
    long now = clock.millis();
    Map<String, List<String>> headers = headersWithQueryConfig(call, d);
    PublishOptions o = PublishHeaders.parse(headers, now, limits);
    if (o.cron() != null) {
      return schedules.create(call, d.url(), headers, o, now); // §16.2
    }
    Message m =
        MessageFactory.create(
            call.tenant().id(), d.url(), call.request().body(), o, call.request().remoteIp(), now);
    return publish.accept(List.of(m)).thenApply(ms -> Json.ok(result(ms.get(0))));
  }

  static ObjectNode result(Message m) {
    ObjectNode n = Json.object();
    n.put("messageId", m.id());
    n.put("url", m.url());
    return n;
  }

  /** Request headers plus {@code upstash-*} query parameters (webhook-style config, §16.3). */
  static Map<String, List<String>> headersWithQueryConfig(Call call, Destination d) {
    if (d.queryConfig().isEmpty()) {
      return call.request().headers();
    }
    Map<String, List<String>> h = new LinkedHashMap<>(call.request().headers());
    d.queryConfig().forEach(h::putIfAbsent);
    return h;
  }
}
