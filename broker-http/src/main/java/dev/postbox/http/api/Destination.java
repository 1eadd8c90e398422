package dev.postbox.http.api;

import dev.postbox.core.error.InvalidRequestException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The destination of a publish, read from the raw request target (docs/api.md#publishing):
 * everything after the route prefix, undecoded, with the request's query string re-attached minus
 * QStash's own parameters ({@code qstash_token} and {@code upstash-*}, which configure the message
 * instead).
 *
 * @param url the destination URL, or null when the destination names a URL group
 * @param urlGroup the URL-group name, or null
 * @param queryConfig {@code upstash-*} query parameters, as header name to values
 */
public record Destination(String url, String urlGroup, Map<String, List<String>> queryConfig) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern MISSING_SLASH = Pattern.compile("^(?i)(https?):/([^/])");

  /**
   * @param rawPathRest the raw path after the route prefix (e.g. after {@code /v2/publish/})
   * @param rawQuery the raw query string ("" when none)
   */
  public static Destination parse(String rawPathRest, String rawQuery) {
    List<String> kept = new ArrayList<>();
    Map<String, List<String>> config = new LinkedHashMap<>();
    if (!rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&", -1)) {
        int eq = pair.indexOf('=');
        String key = QueryParams.decode(eq < 0 ? pair : pair.substring(0, eq));
        String lower = key.toLowerCase(Locale.ROOT);
        if (lower.equals("qstash_token")) {
          continue;
        }
        if (lower.startsWith("upstash-")) {
          String v = eq < 0 ? "" : QueryParams.decode(pair.substring(eq + 1));
          config.computeIfAbsent(lower, k -> new ArrayList<>(1)).add(v);
          continue;
        }
        kept.add(pair);
      }
    }
    String dest = rawPathRest;
    String lowerDest = dest.toLowerCase(Locale.ROOT);
    if (lowerDest.startsWith("http%3a") || lowerDest.startsWith("https%3a")) {
      dest = percentDecode(dest);
    }
    dest = MISSING_SLASH.matcher(dest).replaceFirst("$1://$2");
    if (!kept.isEmpty()) {
      dest = dest + (dest.contains("?") ? "&" : "?") + String.join("&", kept);
    }
    if (dest.isEmpty()) {
      throw new InvalidRequestException("missing destination: expected /v2/publish/<url>");
    }
    String lower = dest.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return new Destination(validUrl(dest, "destination"), null, config);
    }
    if (lower.equals("api/llm") || lower.startsWith("api/")) {
      throw new InvalidRequestException("api/llm destinations are not supported by Postbox");
    }
    if (NAME.matcher(dest).matches()) {
      return new Destination(null, dest, config);
    }
    throw new InvalidRequestException(
        "invalid destination: \""
            + truncate(dest)
            + "\" is neither an http(s) URL nor a URL-group name");
  }

  /** Validates an absolute http(s) URL; {@code what} names it in the error. */
  public static String validUrl(String url, String what) {
    try {
      URI u = new URI(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
        throw new InvalidRequestException(
            "invalid " + what + " URL \"" + truncate(url) + "\": expected an absolute http(s) URL");
      }
      return url;
    } catch (URISyntaxException e) {
      throw new InvalidRequestException(
          "invalid " + what + " URL \"" + truncate(url) + "\": " + e.getReason());
    }
  }

  private static String percentDecode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("malformed percent-encoding in destination");
    }
  }

  private static String truncate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
