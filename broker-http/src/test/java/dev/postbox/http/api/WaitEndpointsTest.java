package dev.postbox.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.core.workflow.WaitRequest;
import dev.postbox.http.server.ApiRequest;
import dev.postbox.http.server.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WaitEndpointsTest {
  private static JsonNode json(String s) {
    return Json.parse(s.getBytes(StandardCharsets.UTF_8), "test");
  }

  @Test
  void theSdksWaitRequestIsRead() {
    WaitRequest r =
        WaitEndpoints.waitRequest(
            json(
                "{\"url\":\"http://app/wf\",\"timeout\":\"2s\",\"timeoutUrl\":\"http://app/wf\","
                    + "\"timeoutHeaders\":{\"Upstash-Workflow-Runid\":[\"wfr_1\"],\"X\":\"y\"},"
                    + "\"step\":{\"stepId\":2,\"stepType\":\"Wait\",\"stepName\":\"w\","
                    + "\"concurrent\":1}}"));
    assertEquals("http://app/wf", r.url());
    assertEquals("2s", r.timeout());
    assertEquals(List.of("wfr_1"), r.timeoutHeaders().get("Upstash-Workflow-Runid"));
    assertEquals(List.of("y"), r.timeoutHeaders().get("X"));
    assertEquals(2, r.step().stepId());
    assertNull(r.step().targetStep());
    assertNull(r.timeoutBody());
    WaitRequest seconds =
        WaitEndpoints.waitRequest(
            json(
                "{\"url\":\"http://app/wf\",\"timeout\":30,\"step\":{\"stepId\":1,"
                    + "\"stepType\":\"Wait\",\"stepName\":\"w\",\"targetStep\":3}}"));
    assertEquals("30s", seconds.timeout(), "a number of seconds, as the SDK's options allow");
    assertEquals(3, seconds.step().targetStep());
    assertNull(seconds.timeoutHeaders(), "absent: the request's own headers are used");
  }

  @Test
  void badWaitRequestsAre400() {
    String step = "\"step\":{\"stepId\":1,\"stepType\":\"Wait\",\"stepName\":\"w\"}";
    assertEquals(
        "missing url",
        assertThrows(
                InvalidRequestException.class,
                () -> WaitEndpoints.waitRequest(json("{\"timeout\":\"1d\"," + step + "}")))
            .getMessage());
    assertTrue(
        assertThrows(
                InvalidRequestException.class,
                () ->
                    WaitEndpoints.waitRequest(
                        json("{\"url\":\"ftp://x\",\"timeout\":\"1d\"," + step + "}")))
            .getMessage()
            .contains("expected an absolute http(s) URL"));
    assertEquals(
        "missing step: expected the waiting step as an object",
        assertThrows(
                InvalidRequestException.class,
                () ->
                    WaitEndpoints.waitRequest(json("{\"url\":\"http://a/b\",\"timeout\":\"1d\"}")))
            .getMessage());
    assertEquals(
        "missing timeout: how long to wait, e.g. \"7d\"",
        assertThrows(
                InvalidRequestException.class,
                () -> WaitEndpoints.waitRequest(json("{\"url\":\"http://a/b\"," + step + "}")))
            .getMessage());
    assertEquals(
        "invalid step.stepId: expected an integer",
        assertThrows(
                InvalidRequestException.class,
                () ->
                    WaitEndpoints.waitRequest(
                        json(
                            "{\"url\":\"http://a/b\",\"timeout\":\"1d\",\"step\":{\"stepId\":"
                                + "\"x\",\"stepType\":\"Wait\",\"stepName\":\"w\"}}")))
            .getMessage());
    assertEquals(
        "invalid wait request: expected a JSON object",
        assertThrows(InvalidRequestException.class, () -> WaitEndpoints.waitRequest(json("[]")))
            .getMessage());
  }

  @Test
  void aWebhookCallBecomesTheEventWaitForWebhookDecodes() {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("host", List.of("127.0.0.1:8080"));
    h.put("content-length", List.of("5"));
    h.put("x-sig", List.of("a", "b"));
    ApiRequest req =
        new ApiRequest(
            "PUT",
            "/v2/workflows/hooks/u/r/e?x=1",
            h,
            "hello".getBytes(StandardCharsets.UTF_8),
            "1.2.3.4");
    JsonNode e =
        Json.parse(WaitEndpoints.webhookEvent(req), "event"); // the event data, before base64
    assertEquals("PUT", e.get("method").asText());
    assertEquals("http", e.get("proto").asText());
    assertEquals("127.0.0.1:8080", e.get("host").asText());
    assertEquals("/v2/workflows/hooks/u/r/e?x=1", e.get("url").asText());
    assertEquals(
        "hello",
        new String(Base64.getDecoder().decode(e.get("body").asText()), StandardCharsets.UTF_8));
    assertEquals(2, e.get("header").get("x-sig").size());
    assertNull(e.get("header").get("content-length"), "hop headers are left out");
  }

  @Test
  void openRoutesAnswerWithoutAToken() throws Exception {
    Tenant t = new Tenant("t1", "tok", new SigningKeys("sig_a", "sig_b"), false);
    Routes routes =
        new Routes(new Tenants(List.of(t)))
            .addOpen(
                "POST",
                "workflows/hooks/{u}/{r}/{e}",
                true,
                c ->
                    CompletableFuture.completedFuture(
                        ApiResponse.json(200, c.tenant() == null ? "open " + c.param(2) : "?")));
    ApiRequest req = new ApiRequest("POST", "/v2/workflows/hooks/a/b/c", Map.of(), new byte[0], "");
    ApiResponse res = routes.route(req).handler().handle(req).join();
    assertEquals("open c", new String(res.body(), StandardCharsets.UTF_8));
  }
}
