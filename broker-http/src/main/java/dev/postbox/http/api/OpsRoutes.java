package dev.postbox.http.api;

import dev.postbox.http.error.ErrorResponses;
import dev.postbox.http.server.ApiRequest;
import dev.postbox.http.server.ApiResponse;
import dev.postbox.http.server.ApiRouter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's routes at the root of the listener, in front of the API's {@link Routes}: {@code
 * GET /health} (the process is up), {@code GET /ready} (see {@link Readiness}) and {@code GET
 * /metrics} (Prometheus text). Health and readiness never need a token; metrics need one (any
 * tenant's) only when so configured. While the broker drains, every API call is refused with {@code
 * 503 shutting down}, so nothing new is accepted once readiness went down; the three routes here
 * still answer. Every router behind this one (the API, and the Redis REST API in front of it) gets
 * that refusal. Only exact root paths are taken: {@code /v2/publish/https://host/health} is still a
 * publish.
 */
public final class OpsRoutes implements ApiRouter {
  static final String HEALTH = "/health";
  static final String READY = "/ready";
  static final String METRICS = "/metrics";

  /** The media type of Prometheus' text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private static final ApiResponse UP = ApiResponse.json(200, "{\"status\":\"UP\"}");

  private final Routes api;
  private final ApiRouter next;
  private final Supplier<Readiness> readiness;
  private final BooleanSupplier draining;
  private final Supplier<String> metrics;
  private final boolean metricsAuth;

  /**
   * @param api the API routes, also used to check a token on {@code /metrics}
   * @param next where every other path goes: {@code api}, or a router in front of it
   * @param readiness read on each {@code /ready}
   * @param draining read on each API call: true once the broker shuts down
   * @param metrics renders the metrics as Prometheus text; null: no {@code /metrics}
   * @param metricsAuth whether {@code /metrics} needs a tenant's token
   */
  public OpsRoutes(
      Routes api,
      ApiRouter next,
      Supplier<Readiness> readiness,
      BooleanSupplier draining,
      Supplier<String> metrics,
      boolean metricsAuth) {
    this.api = api;
    this.next = next;
    this.readiness = readiness;
    this.draining = draining;
    this.metrics = metrics;
    this.metricsAuth = metricsAuth;
  }

  /**
   * What a server answers while the broker starts: {@code /health} is 200 (the process is up,
   * opening and recovering the store can take long, and a liveness probe must not kill it
   * meanwhile), {@code /ready} and everything else 503.
   */
  public static ApiRouter whileStarting() {
    // Written out, not with Jackson: its classes load after the start (docs/benchmarks.md#startup)
    ApiResponse starting =
        ApiResponse.json(503, "{\"status\":\"STARTING\",\"error\":\"starting\"}");
    ApiResponse other = ApiResponse.json(503, "{\"error\":\"starting\"}");
    return request -> {
      String path = request.rawPath();
      ApiResponse r;
      if (path.equals(HEALTH) && request.method().equals("GET")) {
        r = UP;
      } else if (path.equals(READY) && request.method().equals("GET")) {
        r = starting;
      } else {
        r = other;
      }
      return new Route(req -> CompletableFuture.completedFuture(r), false);
    };
  }

  @Override
  public Route route(ApiRequest request) {
    String path = request.rawPath();
    boolean ops =
        path.equals(HEALTH) || path.equals(READY) || (metrics != null && path.equals(METRICS));
    if (!ops) {
      if (draining.getAsBoolean()) {
        return answer(ErrorResponses.of(503, "shutting down"));
      }
      return next.route(request);
    }
    if (!request.method().equals("GET")) {
      return answer(
          ErrorResponses.of(405, "method " + request.method() + " not allowed on " + path)
              .withHeader("Allow", "GET"));
    }
    switch (path) {
      case HEALTH:
        return answer(UP);
      case READY:
        Readiness r = readiness.get();
        return answer(ApiResponse.json(r.ready() ? 200 : 503, r.json()));
      default:
        return new Route(this::metrics, true); // a scrape reads many gauges: off the event loop
    }
  }

  private CompletableFuture<ApiResponse> metrics(ApiRequest request) {
    if (metricsAuth) {
      api.authenticate(request); // any tenant's token; throws UNAUTHORIZED (401) otherwise
    }
    byte[] text = metrics.get().getBytes(StandardCharsets.UTF_8);
    return CompletableFuture.completedFuture(new ApiResponse(200, PROMETHEUS_TEXT, text, Map.of()));
  }

  private static Route answer(ApiResponse response) {
    return new Route(r -> CompletableFuture.completedFuture(response), false);
  }
}
