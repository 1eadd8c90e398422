package dev.postbox.core.message;

import java.util.Set;

/**
 * Which fields API outputs must hide ({@code Upstash-Redact-Fields}); delivery always uses the
 * originals.
 *
 * @param body hide the body
 * @param allHeaders hide every header value
 * @param headers canonical names of individual headers to hide
 */
public record Redaction(boolean body, boolean allHeaders, Set<String> headers) {
  public static final Redaction NONE = new Redaction(false, false, Set.of());

  public Redaction {
    headers = Set.copyOf(headers);
  }

  public boolean isNone() {
    return !body && !allHeaders && headers.isEmpty();
  }

  public boolean hidesHeader(String canonicalName) {
    return allHeaders || headers.contains(canonicalName);
  }
}
