package dev.postbox.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.InvalidRequestException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Parsing and validating standard cron expressions (docs/api.md#schedules). */
class CronSpecTest {

  private static long bits(int... values) {
    long b = 0;
    for (int v : values) {
      b |= 1L << v;
    }
    return b;
  }

  @Test
  void trimsAndKeepsTheTextAsGiven() {
    assertEquals("*/10 * * * *", CronSpec.parse("*/10 * * * * ", false).text());
    assertEquals("1 1 1 1 1", CronSpec.parse("1 1 1 1 1", false).text());
    assertEquals(ZoneOffset.UTC, CronSpec.parse("* * * * *", false).zone());
  }

  @Test
  void fieldsListsRangesAndSteps() {
    CronSpec s = CronSpec.parse("0,30 9-17/4 1,15 */6 MON-FRI", false);
    assertEquals(bits(0, 30), s.minutes());
    assertEquals(bits(9, 13, 17), s.hours());
    assertEquals(bits(1, 15), s.daysOfMonth());
    assertEquals(bits(1, 7), s.months());
    assertEquals(bits(1, 2, 3, 4, 5), s.daysOfWeek());
    assertTrue(s.dayOfMonthRestricted());
    assertTrue(s.dayOfWeekRestricted());
    assertEquals(bits(5, 25, 45), CronSpec.parse("5/20 * * * *", false).minutes());
  }

  @Test
  void sundayIsZeroOrSeven() {
    assertEquals(bits(0), CronSpec.parse("0 0 * * 7", false).daysOfWeek());
    assertEquals(bits(0, 5, 6), CronSpec.parse("0 0 * * 5-7", false).daysOfWeek());
    assertEquals(bits(0, 6), CronSpec.parse("0 0 * * sat,sun", false).daysOfWeek());
    assertEquals(bits(0, 1, 2, 3, 4, 5, 6), CronSpec.parse("0 0 * * *", false).daysOfWeek());
    assertFalse(CronSpec.parse("0 0 * * *", false).dayOfWeekRestricted());
  }

  @Test
  void timeZonePrefix() {
    assertEquals(
        ZoneId.of("America/New_York"),
        CronSpec.parse("CRON_TZ=America/New_York 0 4 * * *", false).zone());
    assertEquals(
        ZoneId.of("Europe/Berlin"), CronSpec.parse("TZ=Europe/Berlin 0 4 * * *", false).zone());
    assertEquals(
        "CRON_TZ=America/New_York 0 4 * * *",
        CronSpec.parse("  CRON_TZ=America/New_York 0 4 * * *", false).text());
  }

  @Test
  void secondsOnlyWhenAllowed() {
    assertEquals(bits(0, 30), CronSpec.parse("*/30 * * * * *", true).seconds());
    assertEquals(1L, CronSpec.parse("* * * * *", true).seconds(), "no seconds field: second 0");
    assertInvalid("*/30 * * * * *", "6 fields");
  }

  @Test
  void invalidExpressionsSayWhatIsWrong() {
    assertInvalid("", "empty");
    assertInvalid("* * * *", "4 fields");
    assertInvalid("0 0 * * * 2026", "6 fields");
    assertInvalid("60 * * * *", "minute value 60 is out of range (0-59)");
    assertInvalid("* 24 * * *", "hour value 24 is out of range (0-23)");
    assertInvalid("* * 0 * *", "day-of-month value 0 is out of range (1-31)");
    assertInvalid("* * * 13 *", "month value 13 is out of range (1-12)");
    assertInvalid("* * * * 8", "day-of-week value 8 is out of range (0-7)");
    assertInvalid("*/0 * * * *", "step \"0\" must be at least 1");
    assertInvalid("30-10 * * * *", "runs backwards");
    assertInvalid("a * * * *", "\"a\", which is not a number");
    assertInvalid("1,,2 * * * *", "empty list item");
    assertInvalid("? * * * *", "not a number");
    assertInvalid("0 0 L * *", "not a number");
    assertInvalid("@daily", "descriptors");
    assertInvalid("CRON_TZ=Mars/Olympus 0 0 * * *", "unknown time zone \"Mars/Olympus\"");
    assertInvalid("CRON_TZ=UTC", "must be followed by the expression");
  }

  private static void assertInvalid(String cron, String expected) {
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> CronSpec.parse(cron, false));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid Upstash-Cron"), e.getMessage());
  }
}
