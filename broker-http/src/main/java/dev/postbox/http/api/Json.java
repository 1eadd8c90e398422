package dev.postbox.http.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.http.server.ApiResponse;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON in and out of the API. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static ApiResponse ok(JsonNode node) {
    return response(200, node);
  }

  public static ApiResponse response(int status, JsonNode node) {
    try {
      return ApiResponse.json(status, MAPPER.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a request body; malformed JSON is the caller's error (400). */
  public static JsonNode parse(byte[] body, String what) {
    try {
      JsonNode n = MAPPER.readTree(body);
      if (n == null || n.isMissingNode()) {
        throw new InvalidRequestException(what + " must be a JSON document");
      }
      return n;
    } catch (IOException e) {
      throw new InvalidRequestException(
          "invalid JSON in " + what + ": " + String.valueOf(e.getMessage()).split("\n")[0]);
    }
  }
}
