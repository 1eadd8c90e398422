package dev.postbox.http.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.keys.KeyService;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.http.server.ApiResponse;
import java.util.concurrent.CompletableFuture;

/** {@code GET /v2/keys} and {@code POST /v2/keys/rotate} (docs/api.md#signing). */
public final class KeyEndpoints {
  private final KeyService keys;

  public KeyEndpoints(KeyService keys) {
    this.keys = keys;
  }

  public CompletableFuture<ApiResponse> get(Call call) {
    return CompletableFuture.completedFuture(Json.ok(render(keys.keys(call.tenant()))));
  }

  public CompletableFuture<ApiResponse> rotate(Call call) {
    return keys.rotate(call.tenant()).thenApply(k -> Json.ok(render(k)));
  }

  private static ObjectNode render(SigningKeys k) {
    ObjectNode o = Json.object();
    o.put("current", k.current());
    o.put("next", k.next());
    return o;
  }
}
