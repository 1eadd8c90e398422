package dev.postbox.core.publish;

import dev.postbox.core.delivery.Durations;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.FlowControl;
import java.util.Locale;

/**
 * Reads {@code Upstash-Flow-Control-Key} and {@code Upstash-Flow-Control-Value} ({@code
 * parallelism=N, rate=N, period=Ns}; docs/api.md#flow-control). Every invalid value is a 400 that
 * names the header.
 */
final class FlowControlHeader {
  private static final long WEEK_SECONDS = 7 * 86_400L;

  private FlowControlHeader() {}

  /** The flow control asked for, or null when neither header is given. */
  static FlowControl parse(String key, String value) {
    if (key == null && value == null) {
      return null;
    }
    if (key == null || key.isBlank()) {
      throw new InvalidRequestException(
          "Upstash-Flow-Control-Value needs an Upstash-Flow-Control-Key");
    }
    if (value == null || value.isBlank()) {
      throw new InvalidRequestException(
          "Upstash-Flow-Control-Key needs an Upstash-Flow-Control-Value with parallelism and/or"
              + " rate");
    }
    Integer parallelism = null;
    Integer rate = null;
    long period = 1;
    for (String part : value.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq < 0) {
        throw new InvalidRequestException(
            "invalid Upstash-Flow-Control-Value: \"" + p + "\" (expected name=value)");
      }
      String k = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String v = p.substring(eq + 1).trim();
      switch (k) {
        case "parallelism":
          parallelism = positive(v, "parallelism");
          break;
        case "rate":
          rate = positive(v, "rate");
          break;
        case "period":
          period = Durations.parseSeconds(v, "Upstash-Flow-Control-Value period");
          if (period < 1 || period > WEEK_SECONDS) {
            throw new InvalidRequestException(
                "invalid Upstash-Flow-Control-Value: period must be between 1s and 1 week");
          }
          break;
        default:
          throw new InvalidRequestException(
              "invalid Upstash-Flow-Control-Value: unknown setting \"" + k + "\"");
      }
    }
    if (parallelism == null && rate == null) {
      throw new InvalidRequestException(
          "invalid Upstash-Flow-Control-Value: give parallelism and/or rate");
    }
    return new FlowControl(key.trim(), parallelism, rate, period);
  }

  private static int positive(String v, String what) {
    long n =
        PublishHeaders.parseLong(v, "Upstash-Flow-Control-Value " + what, "a positive integer");
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new InvalidRequestException(
          "invalid Upstash-Flow-Control-Value: " + what + " must be a positive integer");
    }
    return (int) n;
  }
}
