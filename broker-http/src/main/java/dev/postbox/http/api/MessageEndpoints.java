package dev.postbox.http.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.message.MessageService;
import dev.postbox.core.query.MessageFilter;
import dev.postbox.http.api.json.JsonViews;
import dev.postbox.http.server.ApiResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /v2/messages} (docs/api.md#messages): get, cancel one, bulk cancel. */
public final class MessageEndpoints {
  private final MessageService messages;
  private final JsonViews views;

  public MessageEndpoints(MessageService messages, JsonViews views) {
    this.messages = messages;
    this.views = views;
  }

  public CompletableFuture<ApiResponse> get(Call call) {
    return CompletableFuture.completedFuture(
        Json.ok(views.message(messages.get(call.tenant().id(), call.param(0)))));
  }

  public CompletableFuture<ApiResponse> cancel(Call call) {
    return messages.cancel(call.tenant().id(), call.param(0)).thenApply(v -> cancelled(1));
  }

  public CompletableFuture<ApiResponse> cancelMany(Call call) {
    Map<String, List<String>> query = BulkBodies.merge(call.query(), call.request(), "messageIds");
    MessageFilter f = MessageFilter.parse(query);
    String tenant = call.tenant().id();
    CompletableFuture<Integer> n =
        f.messageIds().isEmpty()
            ? messages.cancelMatching(
                tenant, f.predicate(), f.count() == null ? MessageService.MAX_BULK : f.count())
            : messages.cancelIds(tenant, f.messageIds());
    return n.thenApply(MessageEndpoints::cancelled);
  }

  private static ApiResponse cancelled(int n) {
    ObjectNode o = Json.object();
    o.put("cancelled", n);
    return Json.ok(o);
  }
}
