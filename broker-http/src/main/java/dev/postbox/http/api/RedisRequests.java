package dev.postbox.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postbox.core.error.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the commands of the Redis REST API's requests: a JSON array of words ({@code
 * ["SET","k","v","EX",60]}), an array of those for a pipeline or transaction, or the path form
 * {@code /redis/set/k/v?EX=60} whose query parameters follow the path's words and whose body, if
 * any, is the last word. Numbers and booleans become their JSON text. See docs/redis.md#requests.
 */
final class RedisRequests {
  private RedisRequests() {}

  /** One command from a JSON array body. */
  static List<byte[]> command(byte[] body) {
    return words(array(Json.parse(body, "the command"), "the command"), "the command");
  }

  /** The commands of a pipeline or transaction body: a JSON array of JSON arrays. */
  static List<List<byte[]>> commands(byte[] body, String what) {
    JsonNode all = array(Json.parse(body, what), what);
    List<List<byte[]>> out = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      String which = "command " + (i + 1) + " of the " + what;
      out.add(words(array(all.get(i), which), which));
    }
    return out;
  }

  /**
   * The command of the path form: the words after {@code /redis/}, percent-decoded, then each query
   * parameter as a name and, when it has one, its value, then a non-empty body.
   */
  static List<byte[]> pathCommand(String tail, String rawQuery, byte[] body) {
    List<byte[]> out = new ArrayList<>();
    for (String segment : tail.split("/", -1)) {
      out.add(utf8(QueryParams.decode(segment.replace("+", "%2B"))));
    }
    for (Map.Entry<String, List<String>> p : QueryParams.parse(rawQuery).entrySet()) {
      for (String value : p.getValue()) {
        out.add(utf8(p.getKey()));
        if (!value.isEmpty()) {
          out.add(utf8(value));
        }
      }
    }
    if (body.length > 0) {
      out.add(body);
    }
    return out;
  }

  private static JsonNode array(JsonNode node, String what) {
    if (!node.isArray()) {
      throw new InvalidRequestException(what + " must be a JSON array");
    }
    if (node.isEmpty()) {
      throw new InvalidRequestException(what + " is an empty array");
    }
    return node;
  }

  private static List<byte[]> words(JsonNode array, String what) {
    List<byte[]> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode w = array.get(i);
      if (!w.isValueNode() || w.isNull()) {
        throw new InvalidRequestException(
            "word " + (i + 1) + " of " + what + " must be a string, number or boolean");
      }
      out.add(utf8(w.asText()));
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
