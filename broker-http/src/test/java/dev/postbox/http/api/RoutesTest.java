package dev.postbox.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.http.server.ApiRequest;
import dev.postbox.http.server.ApiResponse;
import dev.postbox.http.server.ApiRouter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RoutesTest {
  private static final Tenant T = new Tenant("t1", "tok", new SigningKeys("sig_a", "sig_b"), false);

  private final Routes routes =
      new Routes(new Tenants(List.of(T)))
          .add("POST", "publish/**", false, c -> answer("publish " + c.rest()))
          .add("GET", "messages/{id}", true, c -> answer("get " + c.param(0)))
          .add("DELETE", "messages/{id}", true, c -> answer("cancel " + c.param(0)))
          .add("DELETE", "messages", true, c -> answer("bulk"))
          .add("POST", "dlq/retry", true, c -> answer("retry-bulk"))
          .add("POST", "dlq/retry/{id}", true, c -> answer("retry " + c.param(0)));

  private static CompletableFuture<ApiResponse> answer(String s) {
    return CompletableFuture.completedFuture(ApiResponse.json(200, s));
  }

  private static ApiRequest req(String method, String target, String token) {
    Map<String, List<String>> h =
        token == null ? Map.of() : Map.of("authorization", List.of("Bearer " + token));
    return new ApiRequest(method, target, h, new byte[0], "127.0.0.1");
  }

  private String call(String method, String target) throws Exception {
    ApiRouter.Route r = routes.route(req(method, target, "tok"));
    assertNotNull(r, target);
    ApiResponse res = r.handler().handle(req(method, target, "tok")).join();
    return res.status() + " " + new String(res.body());
  }

  @Test
  void catchAllKeepsTheRawDestination() throws Exception {
    assertEquals(
        "200 publish https://example.com//a%2Fb",
        call("POST", "/v2/publish/https://example.com//a%2Fb?x=1"));
  }

  @Test
  void apiCanBeMountedUnderAPrefix() throws Exception {
    assertEquals("200 get msg_1", call("GET", "/qstash/v2/messages/msg_1"));
  }

  @Test
  void trailingSlashMeansTheCollectionAndEmptyIdsNeverReachItemHandlers() throws Exception {
    assertEquals("200 bulk", call("DELETE", "/v2/messages/"));
    assertEquals("200 bulk", call("DELETE", "/v2/messages"));
    assertEquals("200 retry-bulk", call("POST", "/v2/dlq/retry"));
    assertEquals("200 retry d-1", call("POST", "/v2/dlq/retry/d-1"));
  }

  @Test
  void wrongMethodIs405AndUnknownPathIsNoRoute() throws Exception {
    assertEquals(
        405,
        routes
            .route(req("PUT", "/v2/messages/x", "tok"))
            .handler()
            .handle(req("PUT", "/v2/messages/x", "tok"))
            .join()
            .status());
    assertNull(routes.route(req("GET", "/v2/nothing-here", "tok")));
    assertNull(routes.route(req("GET", "/health", "tok")));
  }

  @Test
  void a405ListsTheMethodsThePathAccepts() throws Exception {
    ApiResponse put =
        routes
            .route(req("PUT", "/v2/messages/x", "tok"))
            .handler()
            .handle(req("PUT", "/v2/messages/x", "tok"))
            .join();
    assertEquals(405, put.status());
    assertEquals("GET, DELETE", put.headers().get("Allow"));
    assertEquals(
        "{\"error\":\"method PUT not allowed on /v2/messages/x\"}",
        new String(put.body(), StandardCharsets.UTF_8));
    ApiRequest get = req("GET", "/v2/dlq/retry/", "tok");
    assertEquals("POST", routes.route(get).handler().handle(get).join().headers().get("Allow"));
    ApiRequest getPublish = req("GET", "/v2/publish/https://example.com", "tok");
    assertEquals(
        "POST",
        routes.route(getPublish).handler().handle(getPublish).join().headers().get("Allow"));
  }

  @Test
  void missingOrWrongTokenFailsAndQueryTokenWorks() throws Exception {
    ApiRouter.Route r = routes.route(req("GET", "/v2/messages/m", null));
    assertEquals(
        "UNAUTHORIZED",
        assertThrows(
                BrokerException.class, () -> r.handler().handle(req("GET", "/v2/messages/m", null)))
            .code()
            .name());
    ApiRequest wrong = req("GET", "/v2/messages/m", "nope");
    assertThrows(BrokerException.class, () -> routes.route(wrong).handler().handle(wrong));
    ApiRequest viaQuery = req("GET", "/v2/messages/m?qstash_token=tok", null);
    assertEquals(200, routes.route(viaQuery).handler().handle(viaQuery).join().status());
  }
}
