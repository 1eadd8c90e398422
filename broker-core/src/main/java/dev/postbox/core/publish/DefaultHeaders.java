package dev.postbox.core.publish;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.Headers;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Default headers of a URL group (docs/api.md#url-groups): checked once, when they are set, as the
 * headers of a publish request are; then added to every publish to the group for each header the
 * request does not carry itself.
 */
public final class DefaultHeaders {
  /** An HTTP header name (a token). */
  private static final Pattern NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** Headers that describe one request and would be wrong on every publish, with the reason. */
  private static final Map<String, String> PER_REQUEST =
      Map.of(
          "upstash-cron", "it would turn every publish into a schedule",
          "upstash-schedule-id", "it names one schedule",
          "upstash-not-before", "it is a point in time; use Upstash-Delay",
          "upstash-deduplication-id",
              "every publish after the first would be dropped as a duplicate");

  private DefaultHeaders() {}

  /**
   * Validates default headers: names are header names, given once (case-insensitively), each with
   * at least one value and no line breaks; no per-request header; and together they parse as the
   * headers of a publish would. Returns them unchanged (names as given); a 400 naming the bad
   * header otherwise.
   */
  public static Map<String, List<String>> check(
      Map<String, List<String>> headers, long now, PublishLimits limits) {
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      String name = e.getKey();
      String lower = name.toLowerCase(Locale.ROOT);
      if (!NAME.matcher(name).matches()) {
        throw new InvalidRequestException("invalid default header name \"" + name + "\"");
      }
      if (!seen.add(lower)) {
        throw new InvalidRequestException("default header " + name + " is given twice");
      }
      String reason = PER_REQUEST.get(lower);
      if (reason != null) {
        throw new InvalidRequestException(
            name + " cannot be a default header of a URL group: " + reason);
      }
      if (e.getValue().isEmpty()) {
        throw new InvalidRequestException("default header " + name + " has no value");
      }
      for (String v : e.getValue()) {
        if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\0') >= 0) {
          throw new InvalidRequestException(
              "default header " + name + ": values must not contain line breaks");
        }
      }
    }
    PublishHeaders.parse(headers, now, limits); // rejects bad values as on a publish
    return Headers.copyOf(headers);
  }

  /**
   * The request's headers plus each default whose name (case-insensitively) the request does not
   * carry: the request wins. The request's own headers come first, in their order.
   */
  public static Map<String, List<String>> fill(
      Map<String, List<String>> request, Map<String, List<String>> defaults) {
    if (defaults.isEmpty()) {
      return request;
    }
    Set<String> given = new HashSet<>();
    request.keySet().forEach(k -> given.add(k.toLowerCase(Locale.ROOT)));
    Map<String, List<String>> out = new LinkedHashMap<>(request);
    defaults.forEach(
        (name, values) -> {
          if (!given.contains(name.toLowerCase(Locale.ROOT))) {
            out.put(name, values);
          }
        });
    return out;
  }
}
