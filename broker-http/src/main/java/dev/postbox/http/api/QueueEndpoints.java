package dev.postbox.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.queue.QueueService;
import dev.postbox.http.server.ApiResponse;
import java.util.concurrent.CompletableFuture;

/** {@code /v2/queues} (docs/api.md#queues): upsert, get, list, delete, pause and resume queues. */
public final class QueueEndpoints {
  private final QueueService queues;

  public QueueEndpoints(QueueService queues) {
    this.queues = queues;
  }

  /**
   * {@code POST /v2/queues} with {@code {"queueName", "parallelism", "paused"}}; parallelism
   * defaults to 1 and paused to false, as the SDK sends them.
   */
  public CompletableFuture<ApiResponse> upsert(Call call) {
    JsonNode body = Json.parse(call.request().body(), "the request body");
    if (!body.isObject()) {
      throw new InvalidRequestException(
          "expected {\"queueName\": \"...\", \"parallelism\": 1, \"paused\": false}");
    }
    JsonNode name = body.get("queueName");
    if (name == null || !name.isTextual()) {
      throw new InvalidRequestException("\"queueName\" must be a string");
    }
    JsonNode parallelism = body.get("parallelism");
    int p = 1;
    if (parallelism != null && !parallelism.isNull()) {
      if (!parallelism.canConvertToInt() || !parallelism.isIntegralNumber()) {
        throw new InvalidRequestException("\"parallelism\" must be an integer");
      }
      p = parallelism.intValue();
    }
    JsonNode paused = body.get("paused");
    if (paused != null && !paused.isNull() && !paused.isBoolean()) {
      throw new InvalidRequestException("\"paused\" must be true or false");
    }
    queues.upsert(call.tenant().id(), name.asText(), p, paused != null && paused.asBoolean());
    return done();
  }

  public CompletableFuture<ApiResponse> get(Call call) {
    return CompletableFuture.completedFuture(
        Json.ok(render(queues.get(call.tenant().id(), call.param(0)))));
  }

  public CompletableFuture<ApiResponse> list(Call call) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    queues.list(call.tenant().id()).forEach(q -> a.add(render(q)));
    return CompletableFuture.completedFuture(Json.ok(a));
  }

  public CompletableFuture<ApiResponse> delete(Call call) {
    queues.delete(call.tenant().id(), call.param(0));
    return done();
  }

  public CompletableFuture<ApiResponse> pause(Call call) {
    queues.pause(call.tenant().id(), call.param(0));
    return done();
  }

  public CompletableFuture<ApiResponse> resume(Call call) {
    queues.resume(call.tenant().id(), call.param(0));
    return done();
  }

  /** The queue object (docs/api.md#queues): every field always present. */
  static ObjectNode render(QueueService.View v) {
    ObjectNode o = Json.object();
    o.put("name", v.queue().name());
    o.put("createdAt", v.queue().createdAt());
    o.put("updatedAt", v.queue().updatedAt());
    o.put("parallelism", v.queue().parallelism());
    o.put("lag", v.lag());
    o.put("paused", v.queue().paused());
    return o;
  }

  private static CompletableFuture<ApiResponse> done() {
    return CompletableFuture.completedFuture(Json.ok(Json.object()));
  }
}
