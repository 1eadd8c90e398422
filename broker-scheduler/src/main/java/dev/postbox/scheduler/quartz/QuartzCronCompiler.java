package dev.postbox.scheduler.quartz;

import dev.postbox.core.schedule.Cron;
import dev.postbox.core.schedule.CronCompiler;
import dev.postbox.core.schedule.CronSpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * Evaluates standard cron expressions with Quartz's {@link CronExpression}. Quartz's syntax differs
 * from standard cron: it has a seconds field, numbers weekdays 1–7 from Sunday, and needs {@code ?}
 * in one of the two day fields, so it cannot say "day-of-month OR day-of-week". Each field is
 * therefore written out as an explicit list from the parsed {@link CronSpec} (no ranges or steps to
 * re-interpret), weekdays shifted by one, and an expression restricting both day fields becomes two
 * Quartz expressions whose earliest next time wins. Thread-safe.
 */
public final class QuartzCronCompiler implements CronCompiler {

  @Override
  public Cron compile(CronSpec spec) {
    TimeZone zone = TimeZone.getTimeZone(spec.zone());
    List<CronExpression> parts = new ArrayList<>();
    for (String q : translate(spec)) {
      try {
        CronExpression e = new CronExpression(q);
        e.setTimeZone(zone);
        parts.add(e);
      } catch (ParseException e) {
        throw new IllegalStateException("Quartz rejected translated cron " + q, e);
      }
    }
    return after -> {
      long best = Cron.NEVER;
      for (CronExpression e : parts) {
        Date d = e.getNextValidTimeAfter(new Date(after));
        if (d != null) {
          best = Math.min(best, d.getTime());
        }
      }
      return best;
    };
  }

  /** The Quartz expressions (one, or two for "either day field matches") for a spec. */
  static List<String> translate(CronSpec s) {
    String time =
        list(s.seconds(), 0, 59, 0)
            + " "
            + list(s.minutes(), 0, 59, 0)
            + " "
            + list(s.hours(), 0, 23, 0)
            + " ";
    String months = " " + list(s.months(), 1, 12, 0) + " ";
    String dom = list(s.daysOfMonth(), 1, 31, 0);
    String dow = list(s.daysOfWeek(), 0, 6, 1); // Quartz: 1 = Sunday ... 7 = Saturday
    if (s.dayOfMonthRestricted() && s.dayOfWeekRestricted()) {
      return List.of(time + dom + months + "?", time + "?" + months + dow);
    }
    if (s.dayOfWeekRestricted()) {
      return List.of(time + "?" + months + dow);
    }
    return List.of(time + dom + months + "?");
  }

  /** {@code *} when every value from min to max is set, else the values as a comma list. */
  private static String list(long bits, int min, int max, int offset) {
    long all = (-1L >>> (63 - max)) & (-1L << min);
    if ((bits & all) == all) {
      return "*";
    }
    StringBuilder b = new StringBuilder();
    for (int v = min; v <= max; v++) {
      if ((bits & (1L << v)) != 0) {
        if (b.length() > 0) {
          b.append(',');
        }
        b.append(v + offset);
      }
    }
    return b.toString();
  }
}
