package dev.postbox.core.delivery;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.Headers;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A destination's own retry hint (docs/api.md#delivery): {@code Retry-After}, {@code
 * X-RateLimit-Reset}, {@code X-RateLimit-Reset-Requests} or {@code X-RateLimit-Reset-Tokens} as
 * integer seconds, an RFC 1123 date or a Go duration. Hints beyond one day are ignored.
 */
public final class RetryAfter {
  private static final Pattern SECONDS = Pattern.compile("\\d{1,12}");
  private static final String[] NAMES = {
    "Retry-After", "X-RateLimit-Reset", "X-RateLimit-Reset-Requests", "X-RateLimit-Reset-Tokens"
  };

  private RetryAfter() {}

  public static OptionalLong delayMillis(
      Map<String, List<String>> responseHeaders, long nowMillis) {
    for (String name : NAMES) {
      String v = Headers.first(responseHeaders, name);
      if (v == null) {
        continue;
      }
      OptionalLong d = parse(v.trim(), nowMillis);
      if (d.isPresent()) {
        return d.getAsLong() > ExponentialBackoff.MAX_DELAY_MILLIS ? OptionalLong.empty() : d;
      }
    }
    return OptionalLong.empty();
  }

  private static OptionalLong parse(String v, long nowMillis) {
    if (SECONDS.matcher(v).matches()) {
      return OptionalLong.of(Long.parseLong(v) * 1000);
    }
    try {
      long at =
          ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
      return OptionalLong.of(Math.max(0, at - nowMillis));
    } catch (DateTimeParseException notADate) {
      // fall through to a duration
    }
    try {
      return OptionalLong.of(Durations.parseMillis(v, "Retry-After"));
    } catch (InvalidRequestException notADuration) {
      return OptionalLong.empty();
    }
  }
}
