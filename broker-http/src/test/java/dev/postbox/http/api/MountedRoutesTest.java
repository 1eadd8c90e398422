package dev.postbox.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.http.server.ApiRequest;
import dev.postbox.http.server.ApiResponse;
import dev.postbox.http.server.ApiRouter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A table mounted at {@code /test/} takes every path under it, and only those. */
class MountedRoutesTest {
  private static final Tenant T = new Tenant("t1", "tok", new SigningKeys("sig_a", "sig_b"), false);
  private static final Tenants TENANTS = new Tenants(List.of(T));

  private static Routes api() {
    return new Routes(TENANTS)
        .add("POST", "publish/**", false, c -> answer("publish " + c.rest()))
        .add("GET", "messages/{id}", true, c -> answer("get " + c.param(0)));
  }

  private static CompletableFuture<ApiResponse> answer(String s) {
    return CompletableFuture.completedFuture(ApiResponse.json(200, s));
  }

  private static ApiRequest req(String method, String target, String token) {
    Map<String, List<String>> h =
        token == null ? Map.of() : Map.of("authorization", List.of("Bearer " + token));
    return new ApiRequest(method, target, h, new byte[0], "127.0.0.1");
  }

  private static String call(Routes routes, String method, String target) throws Exception {
    ApiRouter.Route r = routes.route(req(method, target, "tok"));
    assertNotNull(r, target);
    ApiResponse res = r.handler().handle(req(method, target, "tok")).join();
    return res.status() + " " + new String(res.body());
  }

  @Test
  void withTestModeOffEveryTestPathIsNotFoundAndTheApiIsUnchanged() throws Exception {
    Routes routes = api().mount(TestEndpoints.off(TENANTS));
    assertNull(routes.route(req("GET", "/test/clock", "tok")));
    assertNull(routes.route(req("POST", "/test/clock/advance", "tok")));
    assertNull(routes.route(req("GET", "/test", "tok")));
    assertNull(routes.route(req("GET", "/test/v2/messages/m1", "tok")));
    assertEquals("200 get m1", call(routes, "GET", "/v2/messages/m1"));
    assertEquals(
        "200 publish https://h.example/test/clock",
        call(routes, "POST", "/v2/publish/https://h.example/test/clock"));
  }

  @Test
  void aMountedTableMatchesUnderItsRootAndAuthenticates() throws Exception {
    Routes test = Routes.at("/test/", TENANTS).add("GET", "clock", false, c -> answer("clock"));
    Routes routes = api().mount(test);
    assertEquals("200 clock", call(routes, "GET", "/test/clock"));
    assertEquals(
        405,
        routes
            .route(req("POST", "/test/clock", "tok"))
            .handler()
            .handle(req("POST", "/test/clock", "tok"))
            .join()
            .status());
    assertNull(routes.route(req("GET", "/prefix/test/clock", "tok")));
    assertNull(routes.route(req("GET", "/test/v2/messages/m1", "tok")));
    ApiRouter.Route r = routes.route(req("GET", "/test/clock", null));
    BrokerException e =
        assertThrows(
            BrokerException.class, () -> r.handler().handle(req("GET", "/test/clock", null)));
    assertEquals(ErrorCode.UNAUTHORIZED, e.code());
  }

  @Test
  void onlyARootedTableCanBeMounted() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> api().mount(api()));
    assertEquals("only a table made with Routes.at can be mounted", e.getMessage());
  }
}
