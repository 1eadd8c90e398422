package dev.postbox.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.group.Endpoint;
import dev.postbox.core.group.UrlGroupService;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.tenant.DevTenants;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import dev.postbox.http.server.ApiRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlGroupEndpointsTest {
  private final UrlGroupService groups =
      new UrlGroupService(
          new InMemoryMessageStore(), new SettableClock(), PublishLimits.defaults());
  private final UrlGroupEndpoints endpoints = new UrlGroupEndpoints(groups);

  private static Call patch(String group, String body) {
    ApiRequest r =
        new ApiRequest(
            "PATCH",
            "/v2/topics/" + group,
            Map.of(),
            body.getBytes(StandardCharsets.UTF_8),
            "127.0.0.1");
    return new Call(r, DevTenants.DEFAULT_USER, List.of(group), "");
  }

  private String tenant() {
    return DevTenants.DEFAULT_USER.id();
  }

  private String rejected(String body) {
    return assertThrows(
            InvalidRequestException.class, () -> endpoints.setDefaultHeaders(patch("g", body)))
        .getMessage();
  }

  @Test
  void patchSetsTheDefaultsFromStringsAndArraysAndAnswersAnEmptyObject() throws Exception {
    groups.addEndpoints(tenant(), "g", List.of(new Endpoint("e", "https://example.com/a")));
    String answer =
        new String(
            endpoints
                .setDefaultHeaders(
                    patch(
                        "g",
                        "{\"headers\": {\"Upstash-Retries\": \"3\","
                            + " \"Upstash-Header-Forward\": [\"true\"],"
                            + " \"Upstash-Forward-X\": [\"a\", \"b\"]}}"))
                .get()
                .body(),
            StandardCharsets.UTF_8);
    assertEquals("{}", answer);
    assertEquals(
        Map.of(
            "Upstash-Retries", List.of("3"),
            "Upstash-Header-Forward", List.of("true"),
            "Upstash-Forward-X", List.of("a", "b")),
        groups.get(tenant(), "g").defaultHeaders());
  }

  @Test
  void theGroupObjectHasHeadersOnlyWhenThereAreDefaults() throws Exception {
    groups.addEndpoints(tenant(), "g", List.of(new Endpoint("e", "https://example.com/a")));
    assertEquals(
        List.of("name", "createdAt", "updatedAt", "endpoints"),
        fieldNames(UrlGroupEndpoints.render(groups.get(tenant(), "g"))));
    endpoints.setDefaultHeaders(patch("g", "{\"headers\": {\"Upstash-Forward-X\": \"y\"}}")).get();
    JsonNode o = UrlGroupEndpoints.render(groups.get(tenant(), "g"));
    assertEquals(List.of("name", "createdAt", "updatedAt", "endpoints", "headers"), fieldNames(o));
    assertEquals("{\"Upstash-Forward-X\":[\"y\"]}", o.get("headers").toString());
    assertEquals(
        "[{\"name\":\"e\",\"url\":\"https://example.com/a\"}]", o.get("endpoints").toString());

    endpoints.setDefaultHeaders(patch("g", "{\"headers\": {}}")).get();
    assertEquals(
        List.of("name", "createdAt", "updatedAt", "endpoints"),
        fieldNames(UrlGroupEndpoints.render(groups.get(tenant(), "g"))));
  }

  @Test
  void patchOfAMissingGroupIsNotFound() {
    assertThrows(
        NotFoundException.class,
        () -> endpoints.setDefaultHeaders(patch("nope", "{\"headers\": {}}")));
  }

  @Test
  void malformedBodiesAreRejected() {
    assertEquals(
        "invalid JSON in the request body: Unrecognized token 'not': was expecting (JSON String,"
            + " Number, Array, Object or token 'null', 'true' or 'false')",
        rejected("not json"));
    String shape = "expected {\"headers\": {\"Header-Name\": \"value\" or [\"value\", ...], ...}}";
    assertEquals(shape, rejected("{}"));
    assertEquals(shape, rejected("[]"));
    assertEquals(shape, rejected("{\"headers\": [\"Upstash-Retries\"]}"));
    String value = "default header X must be a string or a non-empty array of strings";
    assertEquals(value, rejected("{\"headers\": {\"X\": 3}}"));
    assertEquals(value, rejected("{\"headers\": {\"X\": []}}"));
    assertEquals(value, rejected("{\"headers\": {\"X\": [\"a\", null]}}"));
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
