package dev.postbox.http.server;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP request with no transport types in it.
 *
 * @param method upper-case method
 * @param rawTarget the request target exactly as received (path and query, undecoded)
 * @param headers header values by lower-case name, in arrival order
 * @param body the complete body
 * @param remoteIp the client's address
 */
public record ApiRequest(
    String method,
    String rawTarget,
    Map<String, List<String>> headers,
    byte[] body,
    String remoteIp) {

  /** First value of a header (name case-insensitive), or null. */
  public String header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** The raw path (undecoded, without the query string). */
  public String rawPath() {
    int q = rawTarget.indexOf('?');
    return q < 0 ? rawTarget : rawTarget.substring(0, q);
  }

  /** The raw query string without '?', or "" when there is none. */
  public String rawQuery() {
    int q = rawTarget.indexOf('?');
    return q < 0 ? "" : rawTarget.substring(q + 1);
  }
}
