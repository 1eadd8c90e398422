package dev.postbox.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.delivery.Durations;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.core.testmode.DeliveryLog;
import dev.postbox.core.testmode.RecordedAttempt;
import dev.postbox.core.testmode.TenantReset;
import dev.postbox.core.testmode.VirtualTime;
import dev.postbox.http.error.ErrorResponses;
import dev.postbox.http.server.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Test mode's endpoints under {@code /test/} (docs/testing.md): the clock, advancing it, flushing,
 * the recorded deliveries and resetting a tenant. The clock is the server's (every tenant sees it
 * move); everything else is the calling tenant's.
 */
public final class TestEndpoints {
  /** How long a flush waits unless {@code ?timeout=} says otherwise, and the most it may. */
  static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(30);

  /** The longest single advance (ten years): far enough for any delay, retention or schedule. */
  static final Duration MAX_ADVANCE = Duration.ofDays(3650);

  private final VirtualTime time;
  private final DeliveryLog deliveries;
  private final TenantReset reset;

  public TestEndpoints(VirtualTime time, DeliveryLog deliveries, TenantReset reset) {
    this.time = time;
    this.deliveries = deliveries;
    this.reset = reset;
  }

  /** The {@code /test/} table, to {@link Routes#mount} in front of the API's routes. */
  public Routes routes(Tenants tenants) {
    return Routes.at("/test/", tenants)
        .add("GET", "clock", false, this::clock)
        .add("POST", "clock/advance", true, this::advance)
        .add("POST", "flush", true, this::flush)
        .add("GET", "deliveries", false, this::list)
        .add("DELETE", "deliveries", false, this::clear)
        .add("POST", "reset", true, this::reset);
  }

  /** Every {@code /test/} path answers 404: test mode is off. */
  public static Routes off(Tenants tenants) {
    return Routes.at("/test/", tenants);
  }

  CompletableFuture<ApiResponse> clock(Call call) {
    return done(Json.ok(clockJson(time.clock().millis())));
  }

  CompletableFuture<ApiResponse> advance(Call call) {
    JsonNode body = Json.parse(call.request().body(), "the request body");
    JsonNode by = body.get("by");
    if (by == null || !(by.isTextual() || by.isIntegralNumber())) {
      throw new InvalidRequestException(
          "give \"by\": a duration such as \"1h\", \"90s\" or \"1d2h\" (a number is seconds)");
    }
    long millis = Durations.parseMillis(by.asText(), "by");
    if (millis < 0 || millis > MAX_ADVANCE.toMillis()) {
      throw new InvalidRequestException("\"by\" must be 0.." + MAX_ADVANCE.toDays() + "d");
    }
    long now = time.advance(millis);
    return done(Json.ok(clockJson(now).put("advancedBy", millis)));
  }

  CompletableFuture<ApiResponse> flush(Call call) {
    Duration timeout = FLUSH_TIMEOUT;
    List<String> t = call.query().get("timeout");
    if (t != null && !t.isEmpty()) {
      timeout = Durations.parse(t.get(0), "timeout");
      if (timeout.isNegative() || timeout.compareTo(FLUSH_TIMEOUT) > 0) {
        throw new InvalidRequestException("timeout must be 0.." + FLUSH_TIMEOUT.toSeconds() + "s");
      }
    }
    List<RecordedAttempt> delivered = time.flush(call.tenant().id(), timeout.toMillis());
    if (delivered == null) {
      return done(
          ErrorResponses.of(
              504,
              "flush timed out after "
                  + timeout.toMillis()
                  + "ms: messages of this tenant are still due now or in flight (a destination"
                  + " that does not answer, a paused flow-control key, a rate limit)"));
    }
    ObjectNode out = Json.object();
    out.set("deliveries", attempts(delivered));
    return done(Json.ok(out));
  }

  CompletableFuture<ApiResponse> list(Call call) {
    Map<String, List<String>> q = call.query();
    List<RecordedAttempt> found =
        deliveries.list(call.tenant().id(), first(q, "url"), first(q, "messageId"));
    ObjectNode out = Json.object();
    out.set("deliveries", attempts(found));
    return done(Json.ok(out));
  }

  CompletableFuture<ApiResponse> clear(Call call) {
    deliveries.clear(call.tenant().id());
    return done(ApiResponse.empty(204));
  }

  CompletableFuture<ApiResponse> reset(Call call) {
    reset.reset(call.tenant().id());
    return done(Json.ok(Json.object().put("reset", call.tenant().id())));
  }

  private ObjectNode clockJson(long now) {
    return Json.object()
        .put("now", now)
        .put("iso", Instant.ofEpochMilli(now).toString())
        .put("offset", time.clock().offsetMillis());
  }

  private static ArrayNode attempts(List<RecordedAttempt> list) {
    ArrayNode arr = Json.MAPPER.createArrayNode();
    for (RecordedAttempt a : list) {
      ObjectNode o = arr.addObject();
      o.put("messageId", a.messageId())
          .put("method", a.method())
          .put("url", a.url())
          .put("attempt", a.attempt())
          .put("status", a.status());
      if (a.error() != null) {
        o.put("error", a.error());
      }
      o.put("time", a.at());
      ObjectNode h = o.putObject("headers");
      a.headers().forEach((name, values) -> h.put(name, String.join(", ", values)));
      o.put("body", new String(a.body(), StandardCharsets.UTF_8));
    }
    return arr;
  }

  private static String first(Map<String, List<String>> q, String name) {
    List<String> v = q.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static CompletableFuture<ApiResponse> done(ApiResponse r) {
    return CompletableFuture.completedFuture(r);
  }
}
