package dev.postbox.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.Headers;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.time.Clock;
import dev.postbox.core.workflow.StepLimits;
import dev.postbox.core.workflow.TriggerService;
import dev.postbox.core.workflow.WorkflowHeaders;
import dev.postbox.http.server.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v2/trigger/{workflowUrl}} and {@code POST /v2/batch/trigger} (docs/workflow.md):
 * start workflow runs from the server, configured by the publish headers of the request (or of each
 * batch entry): {@code Upstash-Workflow-RunId} (else a new {@code wfr_} id), {@code
 * Upstash-Forward-*}, {@code Upstash-Retries}, {@code Upstash-Retry-Delay}, {@code Upstash-Delay},
 * {@code Upstash-Not-Before}, {@code Upstash-Label}, {@code Upstash-Flow-Control-*} and {@code
 * Upstash-Failure-Callback[-*]}. Runs off the event loop (a run is read from the store).
 */
public final class TriggerEndpoints {
  private final TriggerService triggers;
  private final PublishLimits limits;
  private final Clock clock;

  public TriggerEndpoints(TriggerService triggers, PublishLimits limits, Clock clock) {
    this.triggers = triggers;
    this.limits = limits;
    this.clock = clock;
  }

  /** {@code {"workflowRunId", "workflowCreatedAt"}}, with {@code "deduplicated": true} if so. */
  public CompletableFuture<ApiResponse> trigger(Call call) {
    Request r =
        request(
            call,
            call.rest(),
            call.request().rawQuery(),
            call.request().headers(),
            call.request().body());
    return triggers
        .trigger(r.message(), r.runId())
        .thenApply(t -> Json.ok(result(t, t.deduplicated())));
  }

  /**
   * A JSON array of {@code {"destination", "body"?, "headers"?}}; answers an array of {@code
   * {"workflowRunId", "workflowCreatedAt", "deduplicated"}} in the same order. An invalid entry
   * refuses the whole batch (400) before any run starts.
   */
  public CompletableFuture<ApiResponse> batch(Call call) {
    JsonNode root = Json.parse(call.request().body(), "the batch");
    if (!root.isArray()) {
      throw new InvalidRequestException(
          "a trigger batch is a JSON array of {\"destination\", \"body\", \"headers\"} objects");
    }
    List<Message> messages = new ArrayList<>();
    List<String> runIds = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      Request r = entry(call, i, root.get(i));
      messages.add(r.message());
      runIds.add(r.runId());
    }
    return triggers
        .triggerAll(messages, runIds)
        .thenApply(
            all -> {
              ArrayNode a = Json.MAPPER.createArrayNode();
              all.forEach(t -> a.add(result(t, true)));
              return Json.ok(a);
            });
  }

  private Request entry(Call call, int index, JsonNode e) {
    if (!e.isObject()) {
      throw new InvalidRequestException("entry " + index + " is not a JSON object");
    }
    JsonNode dest = e.get("destination");
    if (dest == null || !dest.isTextual() || dest.asText().isEmpty()) {
      throw new InvalidRequestException("entry " + index + " needs a \"destination\"");
    }
    JsonNode body = e.get("body");
    if (body != null && !body.isNull() && !body.isTextual()) {
      throw new InvalidRequestException("entry " + index + ": \"body\" must be a string");
    }
    String raw = dest.asText();
    int q = raw.indexOf('?');
    try {
      return request(
          call,
          q < 0 ? raw : raw.substring(0, q),
          q < 0 ? "" : raw.substring(q + 1),
          BatchEndpoint.headers(index, e.get("headers")),
          body == null || body.isNull()
              ? new byte[0]
              : body.asText().getBytes(StandardCharsets.UTF_8));
    } catch (InvalidRequestException ex) {
      throw new InvalidRequestException("entry " + index + ": " + ex.getMessage());
    }
  }

  /** The run's trigger as a message to the workflow URL, and the run id asked for (or null). */
  private record Request(Message message, String runId) {}

  private Request request(
      Call call,
      String rawDestination,
      String rawQuery,
      Map<String, List<String>> headers,
      byte[] body) {
    StepLimits.checkRetries(headers, limits.maxRetries()); // 412, as for the run's steps
    PublishRequest p =
        PublishRequest.of(rawDestination, rawQuery, headers, g -> Map.of(), limits, clock.millis());
    if (p.url() == null) {
      throw new InvalidRequestException("a workflow run is triggered at a URL, not a URL group");
    }
    if (p.options().cron() != null) {
      throw new InvalidRequestException("Upstash-Cron is not allowed when triggering a run");
    }
    String runId = Headers.first(p.headers(), WorkflowHeaders.RUN_ID);
    if (runId != null && runId.isBlank()) {
      throw new InvalidRequestException("Upstash-Workflow-RunId must not be empty");
    }
    return new Request(p.template(call, body), runId == null ? null : runId.trim());
  }

  private static ObjectNode result(TriggerService.Triggered t, boolean withDeduplicated) {
    ObjectNode n = Json.object();
    n.put("workflowRunId", t.runId());
    n.put("workflowCreatedAt", t.createdAt());
    if (withDeduplicated) {
      n.put("deduplicated", t.deduplicated());
    }
    return n;
  }
}
