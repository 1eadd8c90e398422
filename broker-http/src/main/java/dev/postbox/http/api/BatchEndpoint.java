package dev.postbox.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.group.UrlGroupService;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.Deduplication;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.time.Clock;
import dev.postbox.core.workflow.WorkflowHeaders;
import dev.postbox.core.workflow.WorkflowService;
import dev.postbox.http.server.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v2/batch} (docs/api.md#batch): a JSON array of {@code {destination, headers, body}}
 * entries, each handled like a publish. The answer is aligned 1:1 with the input: a publish result,
 * a nested array for a URL group, or {@code {"error": "..."}} for an entry that could not be taken
 * (the others are still stored). Every entry without a deduplication id is stored in one synced
 * write.
 */
public final class BatchEndpoint {
  private final Deduplication dedup;
  private final UrlGroupService groups;
  private final PublishLimits limits;
  private final Clock clock;
  private final WorkflowService workflows;

  public BatchEndpoint(
      Deduplication dedup,
      UrlGroupService groups,
      PublishLimits limits,
      Clock clock,
      WorkflowService workflows) {
    this.dedup = dedup;
    this.groups = groups;
    this.limits = limits;
    this.clock = clock;
    this.workflows = workflows;
  }

  /**
   * One accepted entry: its messages, whether it was a group, its deduplication id, and its
   * workflow headers (null when it is not a workflow message).
   */
  private record Entry(
      int index, List<Message> messages, boolean group, String dedupId, WorkflowHeaders workflow) {}

  public CompletableFuture<ApiResponse> batch(Call call) {
    JsonNode root = Json.parse(call.request().body(), "the batch");
    if (!root.isArray()) {
      throw new InvalidRequestException(
          "a batch is a JSON array of {\"destination\", \"headers\", \"body\"} objects");
    }
    long now = clock.millis();
    JsonNode[] results = new JsonNode[root.size()];
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      try {
        entries.add(entry(call, i, root.get(i), now));
      } catch (BrokerException e) {
        if (e.code() == ErrorCode.LIMIT_EXCEEDED) {
          // A workflow step over a limit (StepLimits) refuses the whole batch with 412: the SDK
          // reads the batch's status, not its entries', and fails the step for good on a 412.
          throw e;
        }
        results[i] = error(e.getMessage());
      }
    }
    List<Message> plain = new ArrayList<>();
    List<CompletableFuture<?>> writes = new ArrayList<>();
    // Workflow messages first: an append to an ended run refuses the whole batch (400), which the
    // SDK reads as "the workflow has finished", before anything else of it is stored.
    for (Entry e : entries) {
      if (e.workflow() != null) {
        writes.add(
            workflows
                .publish(e.messages().get(0), e.workflow())
                .thenAccept(p -> results[e.index()] = render(p, false)));
      }
    }
    for (Entry e : entries) {
      if (e.workflow() != null) {
        continue;
      } else if (e.dedupId() == null) {
        plain.addAll(e.messages());
        results[e.index()] = render(e.messages(), e.group());
      } else {
        writes.add(
            dedup
                .publish(e.messages(), e.dedupId())
                .thenAccept(p -> results[e.index()] = render(p, e.group())));
      }
    }
    if (!plain.isEmpty()) {
      writes.add(dedup.publish(plain, null)); // one synced write for all of them
    }
    return CompletableFuture.allOf(writes.toArray(new CompletableFuture[0]))
        .thenApply(
            v -> {
              ArrayNode out = Json.MAPPER.createArrayNode();
              for (JsonNode r : results) {
                out.add(r);
              }
              return Json.ok(out);
            });
  }

  private Entry entry(Call call, int index, JsonNode e, long now) {
    if (!e.isObject()) {
      throw new InvalidRequestException("entry " + index + " is not a JSON object");
    }
    JsonNode dest = e.get("destination");
    if (dest == null || !dest.isTextual() || dest.asText().isEmpty()) {
      throw new InvalidRequestException("entry " + index + " needs a \"destination\"");
    }
    String queueName = queueOf(index, e.get("queue"));
    String raw = dest.asText();
    int q = raw.indexOf('?');
    PublishRequest p =
        PublishRequest.of(
            q < 0 ? raw : raw.substring(0, q),
            q < 0 ? "" : raw.substring(q + 1),
            headers(index, e.get("headers")),
            group -> groups.defaultHeaders(call.tenant().id(), group),
            limits,
            now);
    if (p.options().cron() != null) {
      throw new InvalidRequestException(
          "entry " + index + ": Upstash-Cron is not allowed in a batch; use /v2/schedules");
    }
    Message m = p.template(call, body(index, e.get("body")));
    WorkflowHeaders workflow = p.urlGroup() == null ? WorkflowHeaders.parse(p.headers()) : null;
    if (queueName != null) {
      m = m.toBuilder().withQueueName(queueName).build(); // enqueued, as /v2/enqueue
    }
    List<Message> messages =
        p.urlGroup() == null
            ? List.of(m)
            : groups.forPublish(call.tenant().id(), p.urlGroup()).fanOut(m);
    return new Entry(
        index,
        messages,
        p.urlGroup() != null,
        Deduplication.idFor(p.options(), p.destination(), m.body()),
        workflow);
  }

  /** The entry's queue name, or null when it has none. */
  private static String queueOf(int index, JsonNode queue) {
    if (queue == null || queue.isNull()) {
      return null;
    }
    if (!queue.isTextual()) {
      throw new InvalidRequestException("entry " + index + ": \"queue\" must be a string");
    }
    try {
      return QueueService.checkName(queue.asText());
    } catch (InvalidRequestException ex) {
      throw new InvalidRequestException("entry " + index + ": " + ex.getMessage());
    }
  }

  static Map<String, List<String>> headers(int index, JsonNode h) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (h == null || h.isNull()) {
      return out;
    }
    if (!h.isObject()) {
      throw new InvalidRequestException("entry " + index + ": \"headers\" must be an object");
    }
    h.fields()
        .forEachRemaining(
            f -> {
              List<String> values = new ArrayList<>();
              if (f.getValue().isArray()) {
                f.getValue().forEach(v -> values.add(v.asText()));
              } else if (f.getValue().isValueNode() && !f.getValue().isNull()) {
                values.add(f.getValue().asText());
              } else {
                throw new InvalidRequestException(
                    "entry " + index + ": header " + f.getKey() + " must be a string");
              }
              out.put(f.getKey().toLowerCase(Locale.ROOT), values);
            });
    return out;
  }

  private static byte[] body(int index, JsonNode b) {
    if (b == null || b.isNull()) {
      return new byte[0];
    }
    if (!b.isTextual()) {
      throw new InvalidRequestException("entry " + index + ": \"body\" must be a string");
    }
    return b.asText().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode render(Deduplication.Published p, boolean group) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    p.accepted().forEach(x -> a.add(PublishEndpoint.result(x, p.deduplicated())));
    return group ? a : a.get(0);
  }

  private static JsonNode render(List<Message> messages, boolean group) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    messages.forEach(m -> a.add(PublishEndpoint.result(m)));
    return group ? a : a.get(0);
  }

  private static ObjectNode error(String message) {
    ObjectNode n = Json.object();
    n.put("error", message);
    return n;
  }
}
