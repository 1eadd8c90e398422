package dev.postbox.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.tenant.DevTenants;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.core.workflow.WaitStep;
import dev.postbox.core.workflow.Waiter;
import dev.postbox.http.server.ApiRequest;
import dev.postbox.http.server.ApiResponse;
import dev.postbox.http.server.ApiRouter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ConsoleRoutesTest {
  private static final Tenant T = new Tenant("t1", "tok", new SigningKeys("sig_a", "sig_b"), false);

  private final Routes api =
      new Routes(new Tenants(List.of(T)))
          .add(
              "POST",
              "publish/**",
              false,
              c -> CompletableFuture.completedFuture(ApiResponse.json(200, "publish " + c.rest())));

  private final ConsoleRoutes console =
      new ConsoleRoutes(
          api, api, List.of(), ConsoleRoutesTest::fireTimes, ConsoleRoutesTest::waiters);

  private static ApiRequest req(String method, String target, Map<String, String> headers) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    return new ApiRequest(method, target, h, new byte[0], "127.0.0.1");
  }

  private static ApiResponse get(ApiRouter router, String target) throws Exception {
    return call(router, req("GET", target, Map.of()));
  }

  private static ApiResponse call(ApiRouter router, ApiRequest request) throws Exception {
    ApiRouter.Route r = router.route(request);
    assertNotNull(r, request.rawTarget());
    return r.handler().handle(request).join();
  }

  private static String body(ApiResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void rootRedirectsToTheConsole() throws Exception {
    ApiResponse r = get(console, "/");
    assertEquals(302, r.status());
    assertEquals("/console", r.headers().get("Location"));
  }

  @Test
  void consoleIsThePageWithAPolicyThatAllowsNoInlineScript() throws Exception {
    for (String path : List.of("/console", "/console/", "/console/index.html")) {
      ApiResponse r = get(console, path);
      assertEquals(200, r.status(), path);
      assertEquals("text/html; charset=utf-8", r.contentType());
      assertTrue(body(r).contains("<script type=\"module\" src=\"/console/js/app.js\">"), path);
      String csp = r.headers().get("Content-Security-Policy");
      assertTrue(csp.contains("script-src 'self';"), csp);
      assertTrue(csp.contains("style-src 'self';"), csp);
      assertTrue(csp.contains("object-src 'none'"), csp);
      assertTrue(csp.contains("base-uri 'none'"), csp);
      assertTrue(csp.contains("frame-ancestors 'none'"), csp);
      assertFalse(csp.contains("unsafe"), csp);
      assertEquals("nosniff", r.headers().get("X-Content-Type-Options"));
    }
  }

  @Test
  void assetsHaveTheirTypeAndAreRevalidatedByETag() throws Exception {
    ApiResponse js = get(console, "/console/js/app.js");
    assertEquals(200, js.status());
    assertEquals("text/javascript; charset=utf-8", js.contentType());
    assertEquals("no-cache", js.headers().get("Cache-Control"));
    String etag = js.headers().get("ETag");
    assertTrue(etag.matches("\"[0-9a-f]{24}\""), etag);
    assertEquals("text/css; charset=utf-8", get(console, "/console/console.css").contentType());
    assertEquals("image/svg+xml", get(console, "/console/favicon.svg").contentType());

    ApiResponse again =
        call(console, req("GET", "/console/js/app.js", Map.of("if-none-match", etag)));
    assertEquals(304, again.status());
    assertEquals(0, again.body().length);
    assertEquals(etag, again.headers().get("ETag"));
    ApiResponse stale =
        call(console, req("GET", "/console/js/app.js", Map.of("if-none-match", "\"old\"")));
    assertEquals(200, stale.status());
  }

  @Test
  void noPathLeavesTheConsoleFolder() throws Exception {
    // Each would name a file outside console/ (or a class file) if it were resolved naively.
    List<String> attempts =
        List.of(
            "/console/../logback.xml",
            "/console/js/../../dev/postbox/http/api/Routes.class",
            "/console/%2e%2e/%2e%2e/etc/passwd",
            "/console/..%2f..%2fetc%2fpasswd",
            "/console/js/..%5c..%5cindex.html",
            "/console/js\\..\\index.html",
            "/console//etc/passwd",
            "/console/./index.html",
            "/console/.hidden.js",
            "/console/js/app.js%00.html",
            "/console/ConsoleAssets.class",
            "/console/missing.js",
            "/console/js/");
    for (String path : attempts) {
      ApiResponse r = get(console, path);
      assertEquals(404, r.status(), path);
      assertEquals("not found\n", body(r), path);
    }
    assertTrue(ConsoleAssets.safe("js/app.js"));
    assertFalse(ConsoleAssets.safe("../app.js"));
    assertFalse(ConsoleAssets.safe("js/.."));
    assertFalse(ConsoleAssets.safe("js/app.exe"));
  }

  @Test
  void onlyGetIsAllowed() throws Exception {
    ApiResponse r = call(console, req("POST", "/console", Map.of()));
    assertEquals(405, r.status());
    assertEquals("GET", r.headers().get("Allow"));
  }

  @Test
  void whoamiAnswersTheTokensTenant() throws Exception {
    ApiResponse r =
        call(console, req("GET", "/console/api/whoami", Map.of("authorization", "Bearer tok")));
    assertEquals("{\"tenant\":\"t1\",\"devMode\":false}", body(r));
    assertEquals("no-store", r.headers().get("Cache-Control"));
    BrokerException missing =
        assertThrows(BrokerException.class, () -> get(console, "/console/api/whoami"));
    assertEquals(ErrorCode.UNAUTHORIZED, missing.code());
    BrokerException wrong =
        assertThrows(
            BrokerException.class,
            () ->
                call(
                    console,
                    req("GET", "/console/api/whoami", Map.of("authorization", "Bearer nope"))));
    assertEquals(ErrorCode.UNAUTHORIZED, wrong.code());
    assertEquals(404, get(console, "/console/api/other").status());
  }

  @Test
  void devUsersAreListedOnlyInDevMode() throws Exception {
    assertEquals("{\"devMode\":false,\"users\":[]}", body(get(console, "/console/api/dev-users")));
    ConsoleRoutes dev =
        new ConsoleRoutes(
            api, api, DevTenants.ALL, ConsoleRoutesTest::fireTimes, ConsoleRoutesTest::waiters);
    String users = body(get(dev, "/console/api/dev-users"));
    assertTrue(users.startsWith("{\"devMode\":true,\"users\":[{\"tenant\":\"defaultUser\""), users);
    assertTrue(users.contains(DevTenants.DEFAULT_USER.token()), users);
    assertEquals(4, Json.MAPPER.readTree(users).get("users").size());
  }

  @Test
  void otherPathsGoToTheNextRoutes() throws Exception {
    assertEquals(
        "publish https://x/console",
        body(
            call(
                console,
                req(
                    "POST",
                    "/v2/publish/https://x/console",
                    Map.of("authorization", "Bearer tok")))));
    assertNull(console.route(req("GET", "/consoles", Map.of())));
    assertNull(console.route(req("POST", "/", Map.of())));
    // a path under /console never reaches the API, even with /v2/ in it
    assertEquals(404, get(console, "/console/v2/publish/https://x").status());
  }

  /** Fire times of schedule "s1" of tenant t1: one a minute from 60000; others are unknown. */
  private static List<Long> fireTimes(String tenant, String id, int count) {
    if (!tenant.equals("t1") || !id.equals("s1")) {
      throw new NotFoundException("schedule " + id + " not found");
    }
    return LongStream.rangeClosed(1, count).mapToObj(i -> i * 60_000).toList();
  }

  /** Run "wfr_w" of tenant t1 waits for event "paid" (step 2, "wait"); other runs wait for none. */
  private static List<Waiter> waiters(String tenant, String runId) {
    if (!tenant.equals("t1") || !runId.equals("wfr_w")) {
      return List.of();
    }
    WaitStep step = new WaitStep(2, "wait", "Wait", 1, null, "1d");
    return List.of(
        new Waiter(
            "t1",
            "wfr_w",
            "paid",
            step,
            1_000,
            86_401_000,
            "http://a/wf",
            Map.of(),
            "http://a/wf",
            null,
            Map.of()));
  }

  @Test
  void waitersOfAWorkflowRunForTheTokensTenant() throws Exception {
    Map<String, String> auth = Map.of("authorization", "Bearer tok");
    ApiResponse r = call(console, req("GET", "/console/api/workflows/runs/wfr_w/waiters", auth));
    assertEquals(
        "{\"workflowRunId\":\"wfr_w\",\"waiters\":[{\"eventId\":\"paid\",\"stepId\":2,"
            + "\"stepName\":\"wait\",\"createdAt\":1000,\"deadline\":86401000}]}",
        body(r));
    assertEquals("no-store", r.headers().get("Cache-Control"));
    assertEquals(
        "{\"workflowRunId\":\"wfr_x\",\"waiters\":[]}",
        body(call(console, req("GET", "/console/api/workflows/runs/wfr_x/waiters", auth))));
    BrokerException anonymous =
        assertThrows(
            BrokerException.class, () -> get(console, "/console/api/workflows/runs/wfr_w/waiters"));
    assertEquals(ErrorCode.UNAUTHORIZED, anonymous.code());
  }

  @Test
  void nextFireTimesOfAScheduleForTheTokensTenant() throws Exception {
    Map<String, String> auth = Map.of("authorization", "Bearer tok");
    ApiResponse five = call(console, req("GET", "/console/api/schedules/s1/next", auth));
    assertEquals(
        "{\"scheduleId\":\"s1\",\"nextFireTimes\":[60000,120000,180000,240000,300000]}",
        body(five));
    assertEquals("no-store", five.headers().get("Cache-Control"));
    assertEquals(
        "{\"scheduleId\":\"s1\",\"nextFireTimes\":[60000,120000]}",
        body(call(console, req("GET", "/console/api/schedules/s1/next?count=2", auth))));
    BrokerException tooMany =
        assertThrows(
            BrokerException.class,
            () -> call(console, req("GET", "/console/api/schedules/s1/next?count=101", auth)));
    assertEquals("count must be between 1 and 100", tooMany.getMessage());
    assertThrows(
        NotFoundException.class,
        () -> call(console, req("GET", "/console/api/schedules/s2/next", auth)));
    BrokerException anonymous =
        assertThrows(
            BrokerException.class,
            () -> call(console, req("GET", "/console/api/schedules/s1/next", Map.of())));
    assertEquals(ErrorCode.UNAUTHORIZED, anonymous.code());
  }
}
