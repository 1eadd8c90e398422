package dev.postbox.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.flow.FlowKey;
import dev.postbox.http.server.ApiResponse;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/** {@code /v2/flowControl} and {@code /v2/globalParallelism} (docs/api.md#flow-control). */
public final class FlowControlEndpoints {
  private final FlowControlService flow;
  private final Dispatcher dispatcher;

  public FlowControlEndpoints(FlowControlService flow, Dispatcher dispatcher) {
    this.flow = flow;
    this.dispatcher = dispatcher;
  }

  /** {@code GET /v2/flowControl[?search=]}: a bare array of keys. */
  public CompletableFuture<ApiResponse> list(Call call) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    flow.list(call.tenant().id(), first(call, "search")).forEach(v -> a.add(render(v)));
    return ok(a);
  }

  public CompletableFuture<ApiResponse> get(Call call) {
    return ok(render(flow.get(call.tenant().id(), call.param(0))));
  }

  public CompletableFuture<ApiResponse> pause(Call call) {
    flow.pause(call.tenant().id(), call.param(0));
    return done();
  }

  public CompletableFuture<ApiResponse> resume(Call call) {
    flow.resume(call.tenant().id(), call.param(0));
    return done();
  }

  /** {@code POST .../pin?parallelism=&rate=&period=} (period in seconds; any subset). */
  public CompletableFuture<ApiResponse> pin(Call call) {
    Long parallelism = number(call, "parallelism");
    Long rate = number(call, "rate");
    Long period = number(call, "period");
    if (parallelism == null && rate == null && period == null) {
      throw new InvalidRequestException("pin needs parallelism, rate and/or period");
    }
    flow.pin(
        call.tenant().id(),
        call.param(0),
        parallelism == null ? null : (int) Math.min(Integer.MAX_VALUE, parallelism),
        rate == null ? null : (int) Math.min(Integer.MAX_VALUE, rate),
        period);
    return done();
  }

  /** {@code POST .../unpin?parallelism=true|false&rate=true|false}. */
  public CompletableFuture<ApiResponse> unpin(Call call) {
    flow.unpin(call.tenant().id(), call.param(0), flag(call, "parallelism"), flag(call, "rate"));
    return done();
  }

  public CompletableFuture<ApiResponse> resetRate(Call call) {
    flow.resetRate(call.tenant().id(), call.param(0));
    return done();
  }

  public CompletableFuture<ApiResponse> reset(Call call) {
    flow.reset(call.tenant().id(), call.param(0));
    return done();
  }

  /** {@code GET /v2/globalParallelism}: the cap on deliveries in flight and how many are. */
  public CompletableFuture<ApiResponse> globalParallelism(Call call) {
    ObjectNode o = Json.object();
    o.put("parallelismMax", dispatcher.maxInFlight());
    o.put("parallelismCount", dispatcher.inFlightCount());
    return ok(o);
  }

  /**
   * The FlowControlKey object (docs/api.md#flow-control): every field, integers, 0 for unset
   * limits.
   */
  static ObjectNode render(FlowControlService.View v) {
    FlowKey k = v.config();
    ObjectNode o = Json.object();
    o.put("flowControlKey", k.key());
    o.put("waitListSize", v.waitListSize());
    o.put("parallelismMax", k.parallelismMax());
    o.put("parallelismCount", v.parallelismCount());
    o.put("rateMax", k.rateMax());
    o.put("rateCount", v.rateCount());
    o.put("ratePeriod", k.ratePeriodSeconds());
    o.put("ratePeriodStart", v.ratePeriodStartMillis() / 1000);
    o.put("isPaused", k.paused());
    o.put("isPinnedParallelism", k.pinnedParallelism());
    o.put("isPinnedRate", k.pinnedRate());
    return o;
  }

  private static String first(Call call, String name) {
    List<String> v = call.query().get(name);
    return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
  }

  private static Long number(Call call, String name) {
    String v = first(call, name);
    if (v == null || v.equals("undefined")) {
      return null;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(name + " must be a positive integer, got \"" + v + "\"");
    }
  }

  private static boolean flag(Call call, String name) {
    String v = first(call, name);
    if (v == null || v.equals("undefined")) {
      return false;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new InvalidRequestException(name + " must be true or false, got \"" + v + "\"");
    };
  }

  private static CompletableFuture<ApiResponse> ok(JsonNode body) {
    return CompletableFuture.completedFuture(Json.ok(body));
  }

  private static CompletableFuture<ApiResponse> done() {
    return ok(Json.object());
  }
}
