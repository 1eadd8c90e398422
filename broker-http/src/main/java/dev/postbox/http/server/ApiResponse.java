package dev.postbox.http.server;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP response with no transport types in it.
 *
 * @param status HTTP status code
 * @param contentType media type of the body, or null for an empty body
 * @param body the body
 * @param headers extra headers
 */
public record ApiResponse(
    int status, String contentType, byte[] body, Map<String, String> headers) {
  private static final String JSON = "application/json";

  public static ApiResponse json(int status, byte[] body) {
    return new ApiResponse(status, JSON, body, Map.of());
  }

  public static ApiResponse json(int status, String body) {
    return json(status, body.getBytes(StandardCharsets.UTF_8));
  }

  public static ApiResponse empty(int status) {
    return new ApiResponse(status, null, new byte[0], Map.of());
  }

  /** This response with one more header ({@code name} replaced if present). */
  public ApiResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new ApiResponse(status, contentType, body, Collections.unmodifiableMap(h));
  }
}
