package dev.postbox.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.http.server.ApiRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The legacy JSON-body form of bulk endpoints ({@code {"messageIds":[...]}}, {@code
 * {"dlqIds":[...]}}, and filter fields): folded into the same shape as query parameters.
 */
final class BulkBodies {
  private BulkBodies() {}

  static Map<String, List<String>> merge(
      Map<String, List<String>> query, ApiRequest request, String idsField) {
    byte[] body = request.body();
    if (body.length == 0 || isBlank(body)) {
      return query;
    }
    JsonNode n = Json.parse(body, "request body");
    if (!n.isObject()) {
      throw new InvalidRequestException("request body must be a JSON object");
    }
    Map<String, List<String>> merged = new LinkedHashMap<>(query);
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      List<String> values = new ArrayList<>();
      if (v.isArray()) {
        v.forEach(x -> values.add(x.asText()));
      } else if (!v.isNull()) {
        values.add(v.asText());
      }
      if (!values.isEmpty()) {
        merged.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(values);
      }
    }
    return merged;
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (!Character.isWhitespace(b)) {
        return false;
      }
    }
    return true;
  }
}
