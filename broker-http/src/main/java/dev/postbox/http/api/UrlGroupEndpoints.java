package dev.postbox.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.group.Endpoint;
import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.group.UrlGroupService;
import dev.postbox.http.server.ApiResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /v2/topics} (docs/api.md#url-groups): URL groups and their endpoints. */
public final class UrlGroupEndpoints {
  private final UrlGroupService groups;

  public UrlGroupEndpoints(UrlGroupService groups) {
    this.groups = groups;
  }

  /** {@code POST /v2/topics/{name}/endpoints}: each endpoint needs a url, a name is optional. */
  public CompletableFuture<ApiResponse> addEndpoints(Call call) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (JsonNode e : endpointsOf(call)) {
      String url = text(e, "url");
      if (url == null) {
        throw new InvalidRequestException("every endpoint needs a \"url\"");
      }
      String name = text(e, "name");
      endpoints.add(
          new Endpoint(
              name == null ? null : UrlGroupService.checkName(name, "endpoint name"),
              Destination.validUrl(url, "endpoint")));
    }
    groups.addEndpoints(call.tenant().id(), call.param(0), endpoints);
    return done();
  }

  /** {@code DELETE /v2/topics/{name}/endpoints}: each item names the endpoint or gives its url. */
  public CompletableFuture<ApiResponse> removeEndpoints(Call call) {
    List<Endpoint> selectors = new ArrayList<>();
    for (JsonNode e : endpointsOf(call)) {
      String name = text(e, "name");
      String url = text(e, "url");
      if (name == null && url == null) {
        throw new InvalidRequestException("every endpoint to remove needs a \"name\" or a \"url\"");
      }
      selectors.add(new Endpoint(name, url));
    }
    groups.removeEndpoints(call.tenant().id(), call.param(0), selectors);
    return done();
  }

  /**
   * {@code PATCH /v2/topics/{name}}: {@code {"headers": {"Name": "value" or ["v1", "v2"], ...}}}
   * replaces the group's default headers ({@code {}} clears them); answers {@code {}}. A 404 when
   * the group does not exist.
   */
  public CompletableFuture<ApiResponse> setDefaultHeaders(Call call) {
    JsonNode body = Json.parse(call.request().body(), "the request body");
    JsonNode headers = body.get("headers");
    if (!body.isObject() || headers == null || !headers.isObject()) {
      throw new InvalidRequestException(
          "expected {\"headers\": {\"Header-Name\": \"value\" or [\"value\", ...], ...}}");
    }
    Map<String, List<String>> defaults = new LinkedHashMap<>();
    headers
        .fields()
        .forEachRemaining(f -> defaults.put(f.getKey(), values(f.getKey(), f.getValue())));
    groups.setDefaultHeaders(call.tenant().id(), call.param(0), defaults);
    return done();
  }

  public CompletableFuture<ApiResponse> get(Call call) {
    return CompletableFuture.completedFuture(
        Json.ok(render(groups.get(call.tenant().id(), call.param(0)))));
  }

  public CompletableFuture<ApiResponse> list(Call call) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    groups.list(call.tenant().id()).forEach(g -> a.add(render(g)));
    return CompletableFuture.completedFuture(Json.ok(a));
  }

  public CompletableFuture<ApiResponse> delete(Call call) {
    groups.delete(call.tenant().id(), call.param(0));
    return done();
  }

  /**
   * The group object (docs/api.md#url-groups); endpoints carry only {@code url} and, if set, {@code
   * name}; {@code headers} (name to values) only when the group has default headers.
   */
  static ObjectNode render(UrlGroup g) {
    ObjectNode o = Json.object();
    o.put("name", g.name());
    o.put("createdAt", g.createdAt());
    o.put("updatedAt", g.updatedAt());
    ArrayNode endpoints = o.putArray("endpoints");
    for (Endpoint e : g.endpoints()) {
      ObjectNode n = endpoints.addObject();
      if (e.name() != null) {
        n.put("name", e.name());
      }
      n.put("url", e.url());
    }
    if (!g.defaultHeaders().isEmpty()) {
      ObjectNode h = o.putObject("headers");
      g.defaultHeaders()
          .forEach(
              (name, values) -> {
                ArrayNode a = h.putArray(name);
                values.forEach(a::add);
              });
    }
    return o;
  }

  /** A default header's values: a string, or a non-empty array of strings. */
  private static List<String> values(String name, JsonNode v) {
    if (v.isTextual()) {
      return List.of(v.asText());
    }
    if (v.isArray() && !v.isEmpty()) {
      List<String> out = new ArrayList<>(v.size());
      for (JsonNode x : v) {
        if (!x.isTextual()) {
          throw notAValue(name);
        }
        out.add(x.asText());
      }
      return out;
    }
    throw notAValue(name);
  }

  private static InvalidRequestException notAValue(String name) {
    return new InvalidRequestException(
        "default header " + name + " must be a string or a non-empty array of strings");
  }

  private static JsonNode endpointsOf(Call call) {
    JsonNode body = Json.parse(call.request().body(), "the request body");
    JsonNode endpoints = body.get("endpoints");
    if (endpoints == null || !endpoints.isArray() || endpoints.isEmpty()) {
      throw new InvalidRequestException(
          "expected {\"endpoints\": [{\"url\": \"...\", \"name\": \"...\"}, ...]}");
    }
    for (JsonNode e : endpoints) {
      if (!e.isObject()) {
        throw new InvalidRequestException("every endpoint must be a JSON object");
      }
    }
    return endpoints;
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new InvalidRequestException("endpoint \"" + field + "\" must be a non-empty string");
    }
    return v.asText();
  }

  private static CompletableFuture<ApiResponse> done() {
    return CompletableFuture.completedFuture(Json.ok(Json.object()));
  }
}
