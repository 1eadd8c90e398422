package dev.postbox.http.api;

import dev.postbox.http.server.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console's static files (docs/console.md), read from the class path under {@code console/}
 * and kept in memory once read. A name is served only when each of its segments is plain (letters,
 * digits, {@code -}, {@code _} and one dot before a known extension), so no request can reach
 * outside that folder: no {@code ..}, no percent-escapes, no backslashes. Thread-safe.
 */
final class ConsoleAssets {
  /** Who may load what: scripts and styles from this server only, never inline. */
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src"
          + " 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action"
          + " 'self'";

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_-]+\\.[a-z0-9]+");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "ico", "image/x-icon",
          "txt", "text/plain; charset=utf-8");

  private record Asset(byte[] bytes, String type, String etag) {}

  private final String root;
  private final ClassLoader loader;
  private final Map<String, Asset> cache = new ConcurrentHashMap<>();

  /**
   * @param root the class-path folder of the files, without a trailing slash
   */
  ConsoleAssets(String root) {
    this.root = root;
    this.loader = ConsoleAssets.class.getClassLoader();
  }

  /**
   * The file at {@code name} (relative to the root, e.g. {@code js/app.js}), or a 404; a 304 when
   * {@code ifNoneMatch} is its current ETag.
   */
  ApiResponse get(String name, String ifNoneMatch) {
    Asset a = safe(name) ? find(name) : null;
    if (a == null) {
      byte[] text = "not found\n".getBytes(StandardCharsets.UTF_8);
      return secured(new ApiResponse(404, TYPES.get("txt"), text, Map.of()));
    }
    if (a.etag().equals(ifNoneMatch)) {
      return secured(cached(new ApiResponse(304, null, new byte[0], Map.of()), a));
    }
    return secured(cached(new ApiResponse(200, a.type(), a.bytes(), Map.of()), a));
  }

  /** True when every segment is plain and the last one has a known extension. */
  static boolean safe(String name) {
    String[] segments = name.split("/", -1);
    for (int i = 0; i < segments.length - 1; i++) {
      if (!SEGMENT.matcher(segments[i]).matches()) {
        return false;
      }
    }
    String file = segments[segments.length - 1];
    return FILE.matcher(file).matches() && TYPES.containsKey(extension(file));
  }

  /** The console's security headers on any response it gives. */
  static ApiResponse secured(ApiResponse r) {
    Map<String, String> h = new LinkedHashMap<>(r.headers());
    h.put("Content-Security-Policy", CSP);
    h.put("X-Content-Type-Options", "nosniff");
    h.put("Referrer-Policy", "no-referrer");
    h.put("X-Frame-Options", "DENY");
    h.putIfAbsent("Cache-Control", "no-store");
    return new ApiResponse(r.status(), r.contentType(), r.body(), Map.copyOf(h));
  }

  /**
   * Kept by the browser, but checked against the ETag before each use (file names have no hash).
   */
  private static ApiResponse cached(ApiResponse r, Asset a) {
    return r.withHeader("Cache-Control", "no-cache").withHeader("ETag", a.etag());
  }

  /** The file, or null; only files that exist are kept (the names asked for are unbounded). */
  private Asset find(String name) {
    Asset a = cache.get(name);
    if (a == null) {
      a = load(name);
      if (a != null) {
        cache.putIfAbsent(name, a);
      }
    }
    return a;
  }

  private Asset load(String name) {
    try (InputStream in = loader.getResourceAsStream(root + "/" + name)) {
      if (in == null) {
        return null;
      }
      byte[] bytes = in.readAllBytes();
      return new Asset(bytes, TYPES.get(extension(name)), etag(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String extension(String name) {
    return name.substring(name.lastIndexOf('.') + 1);
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
