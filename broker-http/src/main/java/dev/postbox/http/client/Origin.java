package dev.postbox.http.client;

import java.net.URI;
import java.util.Locale;

/**
 * Where a delivery connects: scheme, host and port. Connections are pooled per origin.
 *
 * @param https true for https
 * @param host the host as written in the URL, an IPv6 literal without its brackets ({@code ::1}),
 *     which is how a connection's address and TLS peer name take it
 * @param port the port, the scheme's default when the URL has none
 */
record Origin(boolean https, String host, int port) {

  /**
   * The origin of an absolute http(s) URL.
   *
   * @throws IllegalArgumentException for any other URL
   */
  static Origin of(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
      throw new IllegalArgumentException("not an absolute http(s) URL");
    }
    boolean https = scheme.equals("https");
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // URI keeps an IPv6 literal's brackets
    }
    return new Origin(https, host, uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80);
  }

  /** The {@code Host} header: the host, bracketed if IPv6, and the port unless the default. */
  String hostHeader() {
    boolean defaultPort = port == (https ? 443 : 80);
    String h = host.contains(":") ? "[" + host + "]" : host;
    return defaultPort ? h : h + ":" + port;
  }
}
