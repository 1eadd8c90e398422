package dev.postbox.http.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.group.UrlGroupService;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.DedupRecord;
import dev.postbox.core.publish.Deduplication;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.time.Clock;
import dev.postbox.core.workflow.WorkflowHeaders;
import dev.postbox.core.workflow.WorkflowService;
import dev.postbox.http.server.ApiResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * {@code POST /v2/publish/{destination}} (docs/api.md#publishing): parse, store durably, answer
 * once on disk. Runs on the event loop: parsing is cheap and the store write is asynchronous.
 */
public final class PublishEndpoint {
  private final Deduplication dedup;
  private final PublishLimits limits;
  private final Clock clock;
  private final ScheduleEndpoints schedules;
  private final UrlGroupService groups;
  private final WorkflowService workflows;
  private final Executor blockingPool;

  public PublishEndpoint(
      Deduplication dedup,
      PublishLimits limits,
      Clock clock,
      ScheduleEndpoints schedules,
      UrlGroupService groups,
      WorkflowService workflows,
      Executor blockingPool) {
    this.dedup = dedup;
    this.limits = limits;
    this.clock = clock;
    this.schedules = schedules;
    this.groups = groups;
    this.workflows = workflows;
    this.blockingPool = blockingPool;
  }

  public CompletableFuture<ApiResponse> publish(Call call) {
    PublishRequest p = PublishRequest.parse(call, defaultsOf(call), limits, clock);
    if (p.options().cron() != null) {
      return schedules.create(call, p); // Upstash-Cron: creates a schedule
    }
    return accept(call, p, p.template(call));
  }

  /**
   * {@code POST /v2/enqueue/{queueName}/{destination}} (docs/api.md#publishing): a publish whose
   * messages go to the end of the queue (created with parallelism 1 if it does not exist).
   */
  public CompletableFuture<ApiResponse> enqueue(Call call) {
    String rest = call.rest();
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new InvalidRequestException(
          "expected /v2/enqueue/{queueName}/{destination}, got /v2/enqueue/" + rest);
    }
    String queue = QueueService.checkName(QueryParams.decode(rest.substring(0, slash)));
    PublishRequest p =
        PublishRequest.of(
            rest.substring(slash + 1),
            call.request().rawQuery(),
            call.request().headers(),
            defaultsOf(call),
            limits,
            clock.millis());
    if (p.options().cron() != null) {
      throw new InvalidRequestException(
          "Upstash-Cron is not allowed on enqueue: create a schedule with Upstash-Queue-Name");
    }
    return accept(call, p, p.template(call).toBuilder().withQueueName(queue).build());
  }

  /** The default headers of the caller's URL groups, by group name. */
  private Function<String, Map<String, List<String>>> defaultsOf(Call call) {
    return group -> groups.defaultHeaders(call.tenant().id(), group);
  }

  private CompletableFuture<ApiResponse> accept(Call call, PublishRequest p, Message m) {
    WorkflowHeaders workflow = p.urlGroup() == null ? WorkflowHeaders.parse(p.headers()) : null;
    if (workflow != null) {
      // A message of a workflow run (docs/workflow.md): the run is in memory, or read from the
      // store once on the blocking pool (this runs on the event loop).
      return workflows.publish(m, workflow, blockingPool).thenApply(r -> answer(r, false));
    }
    List<Message> messages =
        p.urlGroup() == null
            ? List.of(m)
            : groups.forPublish(call.tenant().id(), p.urlGroup()).fanOut(m);
    String dedupId = Deduplication.idFor(p.options(), p.destination(), call.request().body());
    return dedup.publish(messages, dedupId).thenApply(r -> answer(r, p.urlGroup() != null));
  }

  /**
   * {@code {"messageId", "url"}}, or for a URL group a bare array of them; a duplicate is answered
   * 202 with the original ids and {@code "deduplicated": true}.
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
