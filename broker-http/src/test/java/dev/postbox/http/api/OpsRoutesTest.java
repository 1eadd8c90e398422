package dev.postbox.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.http.server.ApiRequest;
import dev.postbox.http.server.ApiResponse;
import dev.postbox.http.server.ApiRouter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OpsRoutesTest {
  private static final Tenant T = new Tenant("t1", "tok", new SigningKeys("sig_a", "sig_b"), false);
  private static final Readiness READY = new Readiness(true, true, false);

  private final Routes api =
      new Routes(new Tenants(List.of(T)))
          .add(
              "POST",
              "publish/**",
              false,
              c -> CompletableFuture.completedFuture(ApiResponse.json(200, "publish " + c.rest())));

  private Readiness readiness = READY;
  private boolean draining;

  private OpsRoutes ops(boolean metricsAuth) {
    return new OpsRoutes(
        api, api, () -> readiness, () -> draining, () -> "m_total 1.0\n", metricsAuth);
  }

  private static ApiRequest req(String method, String target, String token) {
    Map<String, List<String>> h =
        token == null ? Map.of() : Map.of("authorization", List.of("Bearer " + token));
    return new ApiRequest(method, target, h, new byte[0], "127.0.0.1");
  }

  private static ApiResponse call(ApiRouter router, ApiRequest request) throws Exception {
    ApiRouter.Route r = router.route(request);
    assertNotNull(r, request.rawTarget());
    return r.handler().handle(request).join();
  }

  private static String text(ApiResponse r) {
    return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void healthIsUpWithoutAToken() throws Exception {
    assertEquals("200 {\"status\":\"UP\"}", text(call(ops(false), req("GET", "/health", null))));
  }

  @Test
  void readyReportsEachPart() throws Exception {
    assertEquals(
        "200 {\"status\":\"READY\",\"storage\":\"open\",\"scheduleTimer\":\"running\","
            + "\"draining\":false}",
        text(call(ops(false), req("GET", "/ready", null))));
    readiness = new Readiness(false, true, false);
    assertEquals(
        "503 {\"status\":\"NOT_READY\",\"storage\":\"closed\",\"scheduleTimer\":\"running\","
            + "\"draining\":false,\"error\":\"storage is closed\"}",
        text(call(ops(false), req("GET", "/ready", null))));
    readiness = new Readiness(true, false, false);
    ApiResponse timerDown = call(ops(false), req("GET", "/ready", null));
    assertEquals(503, timerDown.status());
    assertEquals(
        "schedule timer is not running",
        Json.MAPPER.readTree(timerDown.body()).get("error").asText());
  }

  @Test
  void drainingRefusesApiCallsButStillAnswersProbes() throws Exception {
    readiness = new Readiness(true, true, true);
    draining = true;
    assertEquals(
        "503 {\"status\":\"DRAINING\",\"storage\":\"open\",\"scheduleTimer\":\"running\","
            + "\"draining\":true,\"error\":\"shutting down\"}",
        text(call(ops(false), req("GET", "/ready", null))));
    assertEquals("200 {\"status\":\"UP\"}", text(call(ops(false), req("GET", "/health", null))));
    assertEquals(
        "503 {\"error\":\"shutting down\"}",
        text(call(ops(false), req("POST", "/v2/publish/https://example.com", "tok"))));
  }

  @Test
  void drainingAlsoRefusesTheRoutersBehindItSuchAsTheRedisRestApi() throws Exception {
    List<String> reached = new ArrayList<>();
    ApiRouter redis =
        request -> {
          reached.add(request.rawPath());
          return api.route(request);
        };
    OpsRoutes ops =
        new OpsRoutes(api, redis, () -> readiness, () -> draining, () -> "m_total 1.0\n", false);
    draining = true;
    for (String path : List.of("/redis", "/redis/pipeline", "/redis/get/k")) {
      assertEquals(
          "503 {\"error\":\"shutting down\"}", text(call(ops, req("POST", path, "tok"))), path);
    }
    assertEquals(List.of(), reached, "nothing reached the router behind");
  }

  @Test
  void metricsAreTextAndNeedATokenOnlyWhenSoConfigured() throws Exception {
    ApiResponse open = call(ops(false), req("GET", "/metrics", null));
    assertEquals("200 m_total 1.0\n", text(open));
    assertEquals("text/plain; version=0.0.4; charset=utf-8", open.contentType());
    assertEquals(true, ops(false).route(req("GET", "/metrics", null)).blocking());

    OpsRoutes guarded = ops(true);
    BrokerException missing =
        assertThrows(BrokerException.class, () -> call(guarded, req("GET", "/metrics", null)));
    assertEquals(ErrorCode.UNAUTHORIZED, missing.code());
    BrokerException wrong =
        assertThrows(BrokerException.class, () -> call(guarded, req("GET", "/metrics", "nope")));
    assertEquals(ErrorCode.UNAUTHORIZED, wrong.code());
    assertEquals("200 m_total 1.0\n", text(call(guarded, req("GET", "/metrics", "tok"))));
  }

  @Test
  void onlyGetIsAllowedOnTheOperatorRoutes() throws Exception {
    ApiResponse r = call(ops(false), req("POST", "/ready", null));
    assertEquals(405, r.status());
    assertEquals("GET", r.headers().get("Allow"));
  }

  @Test
  void rootPathsDoNotCaptureDestinationsOrPrefixedPaths() throws Exception {
    assertEquals(
        "200 publish https://example.com/health",
        text(call(ops(false), req("POST", "/v2/publish/https://example.com/health", "tok"))));
    assertEquals(
        "200 publish http://h/metrics",
        text(call(ops(false), req("POST", "/v2/publish/http://h/metrics?x=1", "tok"))));
    assertEquals(null, ops(false).route(req("GET", "/v2/health", "tok")));
    assertEquals(null, ops(false).route(req("GET", "/health/x", null)));
  }

  @Test
  void whileStartingHealthIsUpAndEverythingElseIs503() throws Exception {
    ApiRouter starting = OpsRoutes.whileStarting();
    assertEquals("200 {\"status\":\"UP\"}", text(call(starting, req("GET", "/health", null))));
    assertEquals(
        "503 {\"status\":\"STARTING\",\"error\":\"starting\"}",
        text(call(starting, req("GET", "/ready", null))));
    assertEquals(
        "503 {\"error\":\"starting\"}",
        text(call(starting, req("POST", "/v2/publish/https://example.com", "tok"))));
    assertFalse(starting.route(req("GET", "/health", null)).blocking());
  }
}
