package dev.postbox.scheduler.quartz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postbox.core.schedule.Cron;
import dev.postbox.core.schedule.CronSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Standard cron → Quartz translation and next fire times, checked against known dates. */
class QuartzCronCompilerTest {
  private final QuartzCronCompiler compiler = new QuartzCronCompiler();

  private String next(String cron, String after) {
    Cron c = compiler.compile(CronSpec.parse(cron, false));
    long n = c.nextAfter(Instant.parse(after).toEpochMilli());
    return n == Cron.NEVER ? "never" : Instant.ofEpochMilli(n).toString();
  }

  @Test
  void translatesFieldsToQuartzSyntax() {
    assertEquals(
        List.of("0 * * * * ?"), QuartzCronCompiler.translate(CronSpec.parse("* * * * *", false)));
    assertEquals(
        List.of("0 0,15,30,45 * * * ?"),
        QuartzCronCompiler.translate(CronSpec.parse("*/15 * * * *", false)));
    // Sunday is 0 and 7 in standard cron, 1 in Quartz; Saturday 6 -> 7.
    assertEquals(
        List.of("0 0 0 ? * 1,7"),
        QuartzCronCompiler.translate(CronSpec.parse("0 0 * * 6-7", false)));
    // Both day fields restricted: either matches, so two expressions.
    assertEquals(
        List.of("0 0 0 1 * ?", "0 0 0 ? * 2"),
        QuartzCronCompiler.translate(CronSpec.parse("0 0 1 * 1", false)));
    assertEquals(
        List.of("5 * * * * ?"), QuartzCronCompiler.translate(CronSpec.parse("5 * * * * *", true)));
  }

  @Test
  void everyMinuteAndSteps() {
    assertEquals("2026-01-01T00:08:00Z", next("* * * * *", "2026-01-01T00:07:30Z"));
    assertEquals("2026-01-01T00:08:00Z", next("* * * * *", "2026-01-01T00:07:00Z"));
    assertEquals("2026-01-01T00:15:00Z", next("*/15 * * * *", "2026-01-01T00:07:30Z"));
    assertEquals("2026-01-01T01:05:00Z", next("5/20 * * * *", "2026-01-01T00:45:00Z"));
    assertEquals("2026-01-01T11:00:00Z", next("0 9-17/2 * * *", "2026-01-01T09:00:00Z"));
    assertEquals("2026-01-01T09:30:00Z", next(" 30 9,12 * * *  ", "2026-01-01T00:00:00Z"));
  }

  @Test
  void sundayIsZeroAndSeven() {
    // 2026-01-01 is a Thursday; the next Sunday is 2026-01-04.
    assertEquals("2026-01-04T00:00:00Z", next("0 0 * * 0", "2026-01-01T00:00:00Z"));
    assertEquals("2026-01-04T00:00:00Z", next("0 0 * * 7", "2026-01-01T00:00:00Z"));
    assertEquals("2026-01-04T00:00:00Z", next("0 0 * * SUN", "2026-01-01T00:00:00Z"));
    assertEquals("2026-01-05T00:00:00Z", next("0 0 * * 1-5", "2026-01-02T12:00:00Z"));
    assertEquals("2026-01-03T00:00:00Z", next("0 0 * * 5-7", "2026-01-02T12:00:00Z"));
  }

  @Test
  void dayOfMonthOrDayOfWeek() {
    // "the 1st, or any Monday": Thu 2026-01-01 00:00 -> Mon 01-05; after Mon 01-26 -> Sun 02-01.
    assertEquals("2026-01-05T00:00:00Z", next("0 0 1 * 1", "2026-01-01T00:00:00Z"));
    assertEquals("2026-02-01T00:00:00Z", next("0 0 1 * 1", "2026-01-26T00:00:00Z"));
    // Only one day field restricted: that one alone decides.
    assertEquals("2026-02-01T00:00:00Z", next("0 0 1 * *", "2026-01-26T00:00:00Z"));
    assertEquals("2026-02-02T00:00:00Z", next("0 0 * * 1", "2026-01-26T00:00:00Z"));
  }

  @Test
  void monthsLeapDaysAndNever() {
    assertEquals("2027-01-01T00:00:00Z", next("0 0 1 jan *", "2026-01-01T00:00:00Z"));
    assertEquals("2028-02-29T12:00:00Z", next("0 12 29 2 *", "2026-03-01T00:00:00Z"));
    assertEquals("never", next("0 0 30 2 *", "2026-01-01T00:00:00Z"));
  }

  @Test
  void timeZones() {
    assertEquals(
        "2026-01-01T06:30:00Z", next("CRON_TZ=Asia/Kolkata 0 12 * * *", "2026-01-01T00:00:00Z"));
    assertEquals(
        "2026-01-01T09:00:00Z", next("TZ=America/New_York 0 4 * * *", "2026-01-01T00:00:00Z"));
    // Summer time in New York is UTC-4.
    assertEquals(
        "2026-07-01T08:00:00Z", next("CRON_TZ=America/New_York 0 4 * * *", "2026-07-01T00:00:00Z"));
  }

  @Test
  void daylightSavingTransitions() {
    // New York springs forward on 2026-03-08 at 02:00 local (07:00Z): 02:30 does not exist that
    // day.
    assertEquals(
        "2026-03-09T06:30:00Z",
        next("CRON_TZ=America/New_York 30 2 * * *", "2026-03-08T06:00:00Z"));
    // Hourly schedules continue across the gap: 01:00 EST (06:00Z), then 03:00 EDT (07:00Z).
    assertEquals(
        "2026-03-08T07:00:00Z", next("CRON_TZ=America/New_York 0 * * * *", "2026-03-08T06:00:00Z"));
    // Falls back on 2026-11-01 at 02:00 EDT to 01:00 EST: 01:00-01:59 local happen twice. Each
    // local time fires once, in its second (standard-time) occurrence: 01:30 at 06:30Z, then the
    // next day, never twice.
    assertEquals(
        "2026-11-01T06:30:00Z",
        next("CRON_TZ=America/New_York 30 1 * * *", "2026-11-01T00:00:00Z"));
    assertEquals(
        "2026-11-02T06:30:00Z",
        next("CRON_TZ=America/New_York 30 1 * * *", "2026-11-01T06:30:00Z"));
    // Hourly: 00:00 EDT (04:00Z), 01:00 EST (06:00Z), 02:00 EST (07:00Z).
    assertEquals(
        "2026-11-01T06:00:00Z", next("CRON_TZ=America/New_York 0 * * * *", "2026-11-01T04:00:00Z"));
    assertEquals(
        "2026-11-01T07:00:00Z", next("CRON_TZ=America/New_York 0 * * * *", "2026-11-01T06:00:00Z"));
  }
}
