package dev.postbox.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.core.workflow.NotifyResult;
import dev.postbox.core.workflow.WaitRequest;
import dev.postbox.core.workflow.WaitService;
import dev.postbox.core.workflow.WaitStep;
import dev.postbox.core.workflow.Waiter;
import dev.postbox.http.server.ApiRequest;
import dev.postbox.http.server.ApiResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Waiting for events (docs/workflow.md#waiting-for-events): {@code POST /v2/wait/{eventId}} (the
 * SDK's {@code waitForEvent} and {@code waitForWebhook}), {@code POST /v2/notify/{eventId}} and
 * {@code /v2/notify/{runId}/{eventId}} ({@code Client.notify}, {@code context.notify}), {@code GET
 * /v2/waiters/{eventId}} ({@code Client.getWaiters}) and the webhook URLs of {@code
 * context.createWebhook}, {@code /v2/workflows/hooks/{userId}/{runId}/{eventId}}, which third
 * parties call without a token.
 */
public final class WaitEndpoints {
  /** Not passed on to the workflow with a webhook call: they describe the hop, not the request. */
  private static final Set<String> HOP_HEADERS =
      Set.of(
          "connection",
          "content-length",
          "keep-alive",
          "transfer-encoding",
          "upgrade",
          "te",
          "trailer",
          "expect");

  private final WaitService waits;
  private final Tenants tenants;

  public WaitEndpoints(WaitService waits, Tenants tenants) {
    this.waits = waits;
    this.tenants = tenants;
  }

  /** {@code POST /v2/wait/{eventId}}: registers the calling run's waiter; {@code {}}. */
  public CompletableFuture<ApiResponse> await(Call call) {
    WaitRequest r = waitRequest(Json.parse(call.request().body(), "wait request"));
    return waits
        .await(call.tenant().id(), call.param(0), call.request().headers(), r)
        .thenApply(v -> Json.ok(Json.object()));
  }

  /** {@code POST /v2/notify/{eventId}}: wakes the event's waiters; what it woke. */
  public CompletableFuture<ApiResponse> notify(Call call) {
    return waits
        .notify(call.tenant().id(), call.param(0), call.request().body())
        .thenApply(WaitEndpoints::woken);
  }

  /** {@code POST /v2/notify/{runId}/{eventId}}: wakes the run's waiters, or keeps the event. */
  public CompletableFuture<ApiResponse> notifyRun(Call call) {
    return waits
        .notifyRun(call.tenant().id(), call.param(0), call.param(1), call.request().body())
        .thenApply(WaitEndpoints::woken);
  }

  /** {@code GET /v2/waiters/{eventId}}: the event's waiters. */
  public CompletableFuture<ApiResponse> waiters(Call call) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    waits.waiters(call.tenant().id(), call.param(0)).forEach(w -> a.add(view(w)));
    return CompletableFuture.completedFuture(Json.ok(a));
  }

  /**
   * {@code ANY /v2/workflows/hooks/{userId}/{runId}/{eventId}} (not authenticated): notifies the
   * run with the request itself as the event, as {@code waitForWebhook} reads it: base64 of {@code
   * {method, header, body (base64), proto, host, url}}. 404 for an unknown user or run.
   */
  public CompletableFuture<ApiResponse> hook(Call call) {
    Tenant tenant =
        tenantOf(call.param(0))
            .orElseThrow(() -> new NotFoundException("unknown user " + call.param(0)));
    return waits
        .notifyRun(tenant.id(), call.param(1), call.param(2), webhookEvent(call.request()))
        .thenApply(WaitEndpoints::woken);
  }

  /**
   * The tenant a webhook URL names: by id, else the one whose token carries that {@code UserID}
   * (the SDK builds the URL from the user id in the token).
   */
  private Optional<Tenant> tenantOf(String userId) {
    Optional<Tenant> byId = tenants.byId(userId);
    if (byId.isPresent()) {
      return byId;
    }
    for (Tenant t : tenants.all()) {
      if (userId.equals(userIdOf(t.token()))) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  private static String userIdOf(String token) {
    try {
      JsonNode n = Json.MAPPER.readTree(Base64.getDecoder().decode(token));
      JsonNode id = n == null ? null : n.get("UserID");
      return id != null && id.isTextual() ? id.asText() : null;
    } catch (IllegalArgumentException | IOException e) {
      return null; // not a token of that shape
    }
  }

  static byte[] webhookEvent(ApiRequest request) {
    ObjectNode header = Json.object();
    request
        .headers()
        .forEach(
            (name, values) -> {
              if (!HOP_HEADERS.contains(name)) {
                ArrayNode a = header.putArray(name);
                values.forEach(a::add);
              }
            });
    String proto = request.header("x-forwarded-proto");
    String host = request.header("host");
    ObjectNode e = Json.object();
    e.put("method", request.method());
    e.set("header", header);
    e.put("body", Base64.getEncoder().encodeToString(request.body()));
    e.put("proto", proto == null ? "http" : proto.trim());
    e.put("host", host == null ? "localhost" : host);
    e.put("url", request.rawTarget());
    return e.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static ApiResponse woken(List<NotifyResult> results) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    for (NotifyResult r : results) {
      ObjectNode o = a.addObject();
      o.set("waiter", view(r.waiter()));
      o.put("messageId", r.messageId());
      o.put("error", "");
    }
    return Json.ok(a);
  }

  /** A waiter as the SDK's {@code Waiter} type has it; {@code deadline} in Unix seconds. */
  private static ObjectNode view(Waiter w) {
    ObjectNode o = Json.object();
    o.put("url", w.url());
    o.put("deadline", w.deadline() / 1000);
    o.set("headers", headers(w.headers()));
    o.put("timeoutUrl", w.timeoutUrl());
    if (w.timeoutBody() != null) {
      o.put("timeoutBody", new String(w.timeoutBody(), StandardCharsets.UTF_8));
    }
    o.set("timeoutHeaders", headers(w.timeoutHeaders()));
    return o;
  }

  private static ObjectNode headers(Map<String, List<String>> h) {
    ObjectNode o = Json.object();
    h.forEach(
        (k, v) -> {
          ArrayNode a = o.putArray(k);
          v.forEach(a::add);
        });
    return o;
  }

  /** The wait request's fields; 400 naming the first one missing or of the wrong type. */
  static WaitRequest waitRequest(JsonNode n) {
    if (!n.isObject()) {
      throw new InvalidRequestException("invalid wait request: expected a JSON object");
    }
    String url = Destination.validUrl(text(n, "url", true), "url");
    String timeoutUrl = text(n, "timeoutUrl", false);
    if (timeoutUrl != null) {
      Destination.validUrl(timeoutUrl, "timeoutUrl");
    }
    JsonNode timeout = n.get("timeout");
    String t;
    if (timeout == null || timeout.isNull()) {
      throw new InvalidRequestException("missing timeout: how long to wait, e.g. \"7d\"");
    } else if (timeout.isIntegralNumber()) {
      t = timeout.asLong() + "s";
    } else if (timeout.isTextual()) {
      t = timeout.asText();
    } else {
      throw new InvalidRequestException("invalid timeout: expected a duration such as \"7d\"");
    }
    JsonNode body = n.get("timeoutBody");
    byte[] timeoutBody =
        body == null || body.isNull()
            ? null
            : (body.isTextual() ? body.asText() : body.toString()).getBytes(StandardCharsets.UTF_8);
    return new WaitRequest(
        url, t, timeoutUrl, timeoutBody, timeoutHeaders(n.get("timeoutHeaders")), step(n, t));
  }

  private static WaitStep step(JsonNode n, String timeout) {
    JsonNode s = n.get("step");
    if (s == null || !s.isObject()) {
      throw new InvalidRequestException("missing step: expected the waiting step as an object");
    }
    JsonNode target = s.get("targetStep");
    return new WaitStep(
        integer(s, "stepId", true, 0),
        text(s, "stepName", true),
        text(s, "stepType", true),
        integer(s, "concurrent", false, 1),
        target == null || target.isNull() ? null : integer(s, "targetStep", true, 0),
        timeout);
  }

  private static Map<String, List<String>> timeoutHeaders(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw new InvalidRequestException("invalid timeoutHeaders: expected an object");
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isTextual()) {
        out.put(e.getKey(), List.of(v.asText()));
      } else if (v.isArray()) {
        List<String> values = new ArrayList<>();
        v.forEach(x -> values.add(x.asText()));
        out.put(e.getKey(), values);
      } else {
        throw new InvalidRequestException(
            "invalid timeoutHeaders." + e.getKey() + ": expected a string or an array of strings");
      }
    }
    return out;
  }

  private static String text(JsonNode n, String field, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new InvalidRequestException("missing " + field);
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidRequestException("invalid " + field + ": expected a string");
    }
    return v.asText();
  }

  private static int integer(JsonNode n, String field, boolean required, int absent) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new InvalidRequestException("missing step." + field);
      }
      return absent;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new InvalidRequestException("invalid step." + field + ": expected an integer");
    }
    return v.asInt();
  }
}
