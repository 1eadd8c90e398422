package dev.postbox.core.schedule;

import dev.postbox.core.error.InvalidRequestException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * A parsed standard cron expression (docs/api.md#schedules): {@code minute hour day-of-month month
 * day-of-week} with {@code *}, lists, ranges, steps and {@code a/step} (from {@code a} to the
 * maximum), month and weekday names, Sunday as 0 or 7, and an optional {@code CRON_TZ=<zone>} (or
 * {@code TZ=}) prefix; UTC otherwise. Each field is a bit set of the values it allows.
 *
 * <p>Day matching follows Vixie cron: when both day fields are restricted (neither is {@code *}), a
 * day matches if either field matches; otherwise both must (so a {@code *} field adds nothing).
 *
 * <p>With {@code allowSeconds} (a test-only server option) a sixth, leading seconds field is
 * accepted; otherwise 6- and 7-field expressions are rejected.
 *
 * @param text the expression as stored: trimmed, otherwise as given
 * @param zone the zone the fields are read in
 * @param seconds allowed seconds (bit 0 only, when the expression has no seconds field)
 * @param minutes allowed minutes 0–59
 * @param hours allowed hours 0–23
 * @param daysOfMonth allowed days of the month 1–31
 * @param months allowed months 1–12
 * @param daysOfWeek allowed weekdays 0–6, Sunday = 0
 * @param dayOfMonthRestricted the day-of-month field is not {@code *}
 * @param dayOfWeekRestricted the day-of-week field is not {@code *}
 */
public record CronSpec(
    String text,
    ZoneId zone,
    long seconds,
    long minutes,
    long hours,
    long daysOfMonth,
    long months,
    long daysOfWeek,
    boolean dayOfMonthRestricted,
    boolean dayOfWeekRestricted) {

  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private record Field(String name, int min, int max, String[] names, int nameBase) {}

  private static final Field SECOND = new Field("second", 0, 59, null, 0);
  private static final Field MINUTE = new Field("minute", 0, 59, null, 0);
  private static final Field HOUR = new Field("hour", 0, 23, null, 0);
  private static final Field DAY_OF_MONTH = new Field("day-of-month", 1, 31, null, 0);
  private static final Field MONTH = new Field("month", 1, 12, MONTHS, 1);
  private static final Field DAY_OF_WEEK = new Field("day-of-week", 0, 7, DAYS, 0);

  /** Parses and validates; every mistake is a 400 that says what is wrong. */
  public static CronSpec parse(String raw, boolean allowSeconds) {
    if (raw == null || raw.isBlank()) {
      throw invalid(raw, "it is empty");
    }
    String text = raw.trim();
    String expr = text;
    ZoneId zone = ZoneOffset.UTC;
    String upper = expr.toUpperCase(Locale.ROOT);
    if (upper.startsWith("CRON_TZ=") || upper.startsWith("TZ=")) {
      int eq = expr.indexOf('=');
      int space = firstWhitespace(expr);
      if (space < 0) {
        throw invalid(text, "a time zone prefix must be followed by the expression");
      }
      String zoneName = expr.substring(eq + 1, space);
      try {
        zone = ZoneId.of(zoneName);
      } catch (DateTimeException e) {
        throw invalid(text, "unknown time zone \"" + zoneName + "\"");
      }
      expr = expr.substring(space).trim();
    }
    if (expr.startsWith("@")) {
      throw invalid(text, "descriptors such as @daily are not supported; use 5 fields");
    }
    String[] f = expr.split("\\s+");
    boolean withSeconds = allowSeconds && f.length == 6;
    if (f.length != 5 && !withSeconds) {
      throw invalid(
          text,
          "it has "
              + f.length
              + " fields; expected 5 (minute hour day-of-month month day-of-week)"
              + (allowSeconds ? " or 6 with a leading seconds field" : ""));
    }
    int i = withSeconds ? 1 : 0;
    long dow = field(text, f[i + 4], DAY_OF_WEEK);
    if ((dow & (1L << 7)) != 0) {
      dow = (dow & ~(1L << 7)) | 1L; // 7 is Sunday too
    }
    return new CronSpec(
        text,
        zone,
        withSeconds ? field(text, f[0], SECOND) : 1L,
        field(text, f[i], MINUTE),
        field(text, f[i + 1], HOUR),
        field(text, f[i + 2], DAY_OF_MONTH),
        field(text, f[i + 3], MONTH),
        dow,
        !isStar(f[i + 2]),
        !isStar(f[i + 4]));
  }

  private static boolean isStar(String field) {
    return field.equals("*") || field.equals("*/1");
  }

  private static long field(String text, String value, Field f) {
    long bits = 0;
    for (String item : value.split(",", -1)) {
      bits |= item(text, item, f);
    }
    return bits;
  }

  private static long item(String text, String item, Field f) {
    if (item.isEmpty()) {
      throw invalid(text, "the " + f.name() + " field has an empty list item");
    }
    String range = item;
    int step = 1;
    int slash = item.indexOf('/');
    if (slash >= 0) {
      range = item.substring(0, slash);
      String s = item.substring(slash + 1);
      step = number(text, s, f, "step");
      if (step < 1) {
        throw invalid(text, "the " + f.name() + " step \"" + s + "\" must be at least 1");
      }
    }
    int lo;
    int hi;
    if (range.equals("*")) {
      lo = f.min();
      hi = top(f);
    } else {
      int dash = range.indexOf('-', 1);
      lo = value(text, dash < 0 ? range : range.substring(0, dash), f);
      hi = dash < 0 ? (slash >= 0 ? top(f) : lo) : value(text, range.substring(dash + 1), f);
      if (lo > hi) {
        throw invalid(
            text,
            "the " + f.name() + " range \"" + range + "\" runs backwards (" + lo + ">" + hi + ")");
      }
    }
    long bits = 0;
    for (int v = lo; v <= hi; v += step) {
      bits |= 1L << v;
    }
    return bits;
  }

  /** The highest value {@code *} and {@code a/step} reach (7 is only an alias of Sunday). */
  private static int top(Field f) {
    return f == DAY_OF_WEEK ? 6 : f.max();
  }

  private static int value(String text, String s, Field f) {
    if (f.names() != null) {
      for (int i = 0; i < f.names().length; i++) {
        if (f.names()[i].equalsIgnoreCase(s)) {
          return i + f.nameBase();
        }
      }
    }
    int v = number(text, s, f, "value");
    if (v < f.min() || v > f.max()) {
      throw invalid(
          text,
          "the " + f.name() + " value " + v + " is out of range (" + f.min() + "-" + f.max() + ")");
    }
    return v;
  }

  private static int number(String text, String s, Field f, String what) {
    if (s.isEmpty() || s.length() > 4 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid(
          text,
          "the "
              + f.name()
              + " field has "
              + (s.isEmpty() ? "a missing " + what : "\"" + s + "\", which is not a number")
              + (f.names() != null && what.equals("value") ? " or a name" : ""));
    }
    return Integer.parseInt(s);
  }

  private static int firstWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static InvalidRequestException invalid(String text, String why) {
    return new InvalidRequestException(
        "invalid Upstash-Cron \"" + (text == null ? "" : text) + "\": " + why);
  }
}
