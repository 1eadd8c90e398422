package dev.postbox.core.message;

import java.util.Locale;

/** What deliveries are counted against for the per-host in-flight limit. */
public final class Hosts {
  private Hosts() {}

  /**
   * The authority ({@code host[:port]}, lower case) of a destination URL, found without parsing the
   * whole URL; the URL itself as far as it goes when it has no scheme.
   */
  public static String of(String url) {
    int start = url.indexOf("://");
    start = start < 0 ? 0 : start + 3;
    int end = url.length();
    for (int i = start; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    return url.substring(start, end).toLowerCase(Locale.ROOT);
  }
}
