package dev.postbox.core.delivery;

import dev.postbox.core.error.InvalidRequestException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Go-style durations as QStash headers use them: {@code 10s}, {@code 1d10h30m}, {@code 1.5s},
 * {@code 500ms}; units d, h, m, s, ms, us, µs, ns; a plain number means seconds. The one duration
 * syntax of the project: the server's settings take it too.
 */
public final class Durations {
  private Durations() {}

  /** Parses a duration to milliseconds (rounded); {@code headerName} names it in errors. */
  public static long parseMillis(String value, String headerName) {
    double nanos = parseNanos(value, headerName);
    return Math.round(nanos / 1_000_000.0);
  }

  /** Parses a duration to whole seconds (rounded up from fractions). */
  public static long parseSeconds(String value, String headerName) {
    return (long) Math.ceil(parseNanos(value, headerName) / 1_000_000_000.0);
  }

  /** Parses a duration to the nanosecond (rounded); {@code name} names it in errors. */
  public static Duration parse(String value, String name) {
    return Duration.ofNanos(Math.round(parseNanos(value, name)));
  }

  private static final Pattern PLAIN_NUMBER = Pattern.compile("\\d+(\\.\\d+)?");

  private static double parseNanos(String value, String headerName) {
    if (value == null) {
      throw invalid(value, headerName);
    }
    String s = value.trim();
    if (s.isEmpty()) {
      throw invalid(value, headerName);
    }
    if (PLAIN_NUMBER.matcher(s).matches()) {
      return Double.parseDouble(s) * 1e9;
    }
    double total = 0;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw invalid(value, headerName);
      }
      double n;
      try {
        n = Double.parseDouble(s.substring(start, i));
      } catch (NumberFormatException e) {
        throw invalid(value, headerName);
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(unitStart, i);
      total += n * unitNanos(unit, value, headerName);
    }
    if (Double.isInfinite(total) || Double.isNaN(total) || total > 1e20) {
      throw invalid(value, headerName);
    }
    return total;
  }

  private static double unitNanos(String unit, String value, String headerName) {
    switch (unit) {
      case "d":
        return 86_400e9;
      case "h":
        return 3_600e9;
      case "m":
        return 60e9;
      case "s":
        return 1e9;
      case "ms":
        return 1e6;
      case "us":
      case "µs":
      case "μs":
        return 1e3;
      case "ns":
        return 1;
      default:
        throw invalid(value, headerName);
    }
  }

  private static InvalidRequestException invalid(String value, String headerName) {
    return new InvalidRequestException(
        "invalid "
            + headerName
            + ": \""
            + value
            + "\" (expected a duration like 10s, 5m, 1h30m or a number of seconds)");
  }
}
