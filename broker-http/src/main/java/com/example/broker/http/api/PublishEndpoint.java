package com.example.broker.http.api;

import com.example.broker.core.group.UrlGroupService;
import com.example.broker.core.message.Message;
import com.example.broker.core.publish.DedupRecord;
import com.example.broker.core.publish.Deduplication;
import com.example.broker.core.publish.PublishLimits;
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
  private final Deduplication dedup;
  private final PublishLimits limits;
  private final Clock clock;
  private final ScheduleEndpoints schedules;
  private final UrlGroupService groups;

  public PublishEndpoint(
      Deduplication dedup,
      PublishLimits limits,
      Clock clock,
      ScheduleEndpoints schedules,
      UrlGroupService groups) {
    this.dedup = dedup;
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
    List<Message> messages =
        p.urlGroup() == null
            ? List.of(m)
            : groups.forPublish(call.tenant().id(), p.urlGroup()).fanOut(m);
    String dedupId = Deduplication.idFor(p.options(), p.destination(), call.request().body());
    return dedup.publish(messages, dedupId).thenApply(r -> answer(r, p.urlGroup() != null));
  }

  /**
   * {@code {"messageId", "url"}}, or for a URL group a bare array of them (§3.1); a duplicate is
   * answered 202 with the original ids and {@code "deduplicated": true}.
   */
  private static ApiResponse answer(Deduplication.Published r, boolean group) {
    int status = r.deduplicated() ? 202 : 200;
    if (!group) {
      return Json.response(status, result(r.accepted().get(0), r.deduplicated()));
    }
    ArrayNode a = Json.MAPPER.createArrayNode();
    r.accepted().forEach(x -> a.add(result(x, r.deduplicated())));
    return Json.response(status, a);
  }

  /** {@code {"messageId", "url"}} of a stored message. */
  static ObjectNode result(Message m) {
    return result(new DedupRecord.Accepted(m.id(), m.url()), false);
  }

  static ObjectNode result(DedupRecord.Accepted m, boolean deduplicated) {
    ObjectNode n = Json.object();
    n.put("messageId", m.messageId());
    n.put("url", m.url());
    if (deduplicated) {
      n.put("deduplicated", true);
    }
    return n;
  }
}
