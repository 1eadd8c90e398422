package dev.postbox.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.Message;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Default backoff and retry-delay expressions (docs/api.md#retries), Retry-After hints
 * (docs/api.md#delivery), and the policy that combines them.
 */
class RetryMathTest {
  private static final long NOW = 1_719_490_584_000L; // Thu, 27 Jun 2024 12:16:24 GMT

  @Test
  void defaultBackoffMatchesTheSpecTable() {
    assertEquals(12_182, ExponentialBackoff.delayMillis(1));
    assertEquals(148_413, ExponentialBackoff.delayMillis(2));
    assertEquals(1_808_042, ExponentialBackoff.delayMillis(3));
    assertEquals(22_026_466, ExponentialBackoff.delayMillis(4));
    assertEquals(86_400_000, ExponentialBackoff.delayMillis(5));
    assertEquals(86_400_000, ExponentialBackoff.delayMillis(30));
  }

  @Test
  void expressionsFromTheDocsEvaluate() {
    assertEquals(1000, RetryDelayExpression.parse("1000").delayMillis(5));
    assertEquals(3000, RetryDelayExpression.parse("1000 * (1 + retried)").delayMillis(2));
    assertEquals(4000, RetryDelayExpression.parse("pow(2, retried) * 1000").delayMillis(2));
    assertEquals(
        1000, RetryDelayExpression.parse("max(1000, pow(2, retried) * 100)").delayMillis(1));
    assertEquals(9000, RetryDelayExpression.parse("pow(retried, 2) * 1000").delayMillis(3));
    assertEquals(0, RetryDelayExpression.parse("7000 * retried").delayMillis(0));
    assertEquals(
        7,
        RetryDelayExpression.parse("-(-3) + abs(-1) + floor(1.7) + ceil(0.2) + round(0.6)")
            .delayMillis(0));
    assertEquals(
        3, RetryDelayExpression.parse("sqrt(9) + min(1, 2) - 1 + exp(0) - 1").delayMillis(0));
    assertEquals(2, RetryDelayExpression.parse(" 10 / 4 - .5 ").delayMillis(0));
  }

  @Test
  void expressionResultsAreClampedToOneDay() {
    assertEquals(0, RetryDelayExpression.parse("-5").delayMillis(0));
    assertEquals(86_400_000, RetryDelayExpression.parse("pow(10, 20)").delayMillis(0));
    assertEquals(0, RetryDelayExpression.parse("sqrt(-1)").delayMillis(0));
    assertEquals(86_400_000, RetryDelayExpression.parse("1 / 0").delayMillis(0));
  }

  @Test
  void badExpressionsAreRejectedWithTheHeaderName() {
    for (String bad :
        List.of(
            "",
            "foo(1)",
            "1 +",
            "retries",
            "pow(1)",
            "max(1,2,3)",
            "(1",
            "1)",
            "2 ^ 3",
            "1 % 2",
            "1..2")) {
      InvalidRequestException e =
          assertThrows(InvalidRequestException.class, () -> RetryDelayExpression.parse(bad), bad);
      assertTrue(e.getMessage().contains("Upstash-Retry-Delay"), e.getMessage());
    }
  }

  @Test
  void durationsParseLikeGo() {
    assertEquals(50_000, Durations.parseMillis("50s", "Upstash-Delay"));
    assertEquals(
        86_400_000L + 10 * 3_600_000L + 30 * 60_000L, Durations.parseMillis("1d10h30m", "H"));
    assertEquals(5_403_000, Durations.parseMillis("1h30m3s", "H"));
    assertEquals(1_500, Durations.parseMillis("1.5s", "H"));
    assertEquals(500, Durations.parseMillis("500ms", "H"));
    assertEquals(12_000, Durations.parseMillis("12", "H"));
    assertEquals(5403, Durations.parseSeconds("1h30m3s", "H"));
    for (String bad : List.of("", "abc", "10x", "-5s", "s", "1.2.3s")) {
      InvalidRequestException e =
          assertThrows(
              InvalidRequestException.class, () -> Durations.parseMillis(bad, "Upstash-Delay"));
      assertTrue(e.getMessage().contains("Upstash-Delay"));
    }
  }

  @Test
  void retryAfterAcceptsSecondsDatesAndDurations() {
    assertEquals(OptionalLong.of(10_000), RetryAfter.delayMillis(h("Retry-After", "10"), NOW));
    assertEquals(OptionalLong.of(0), RetryAfter.delayMillis(h("retry-after", "0"), NOW));
    assertEquals(
        OptionalLong.of(60_000),
        RetryAfter.delayMillis(h("Retry-After", "Thu, 27 Jun 2024 12:17:24 GMT"), NOW));
    assertEquals(
        OptionalLong.of(365_000), RetryAfter.delayMillis(h("X-RateLimit-Reset", "6m5s"), NOW));
    assertEquals(
        OptionalLong.of(500), RetryAfter.delayMillis(h("X-RateLimit-Reset-Tokens", "500ms"), NOW));
    assertEquals(OptionalLong.empty(), RetryAfter.delayMillis(h("Retry-After", "200000"), NOW));
    assertEquals(OptionalLong.empty(), RetryAfter.delayMillis(h("Retry-After", "soon"), NOW));
    assertEquals(OptionalLong.empty(), RetryAfter.delayMillis(Map.of(), NOW));
  }

  @Test
  void policyPrefersRetryAfterThenExpressionThenBackoff() {
    RetryPolicy p = new RetryPolicy();
    Message plain = Message.builder().withTenant("t").withId("m").withUrl("http://x").build();
    Message custom = plain.toBuilder().withRetryDelayExpression("1000 * (retried + 1)").build();
    DeliveryResponse fail = new DeliveryResponse(500, Map.of(), null, null);
    DeliveryResponse hinted = new DeliveryResponse(429, h("Retry-After", "3"), null, null);
    assertEquals(12_182, p.nextDelayMillis(plain, 0, fail, NOW));
    assertEquals(148_413, p.nextDelayMillis(plain, 1, fail, NOW));
    assertEquals(1000, p.nextDelayMillis(custom, 0, fail, NOW));
    assertEquals(2000, p.nextDelayMillis(custom, 1, fail, NOW));
    assertEquals(3000, p.nextDelayMillis(custom, 0, hinted, NOW));
    Message broken = plain.toBuilder().withRetryDelayExpression("nope(").build();
    assertEquals(12_182, p.nextDelayMillis(broken, 0, fail, NOW), "falls back to the backoff");
  }

  @Test
  void policyStopsAfterMaxRetriesOrANonRetryableAnswer() {
    RetryPolicy p = new RetryPolicy();
    Message m =
        Message.builder().withTenant("t").withId("m").withUrl("http://x").withMaxRetries(2).build();
    DeliveryResponse fail = new DeliveryResponse(500, Map.of(), null, null);
    assertTrue(p.shouldRetry(m, 1, fail));
    assertTrue(p.shouldRetry(m, 2, fail));
    assertFalse(p.shouldRetry(m, 3, fail));
    DeliveryResponse stop =
        new DeliveryResponse(489, h("Upstash-NonRetryable-Error", "true"), null, null);
    assertFalse(p.shouldRetry(m, 1, stop));
    assertTrue(p.shouldRetry(m, 1, new DeliveryResponse(489, Map.of(), null, null)));
    assertFalse(
        p.shouldRetry(
            m.toBuilder().withMaxRetries(0).build(), 1, DeliveryResponse.transportFailure("x")));
  }

  private static Map<String, List<String>> h(String name, String value) {
    return Map.of(name, List.of(value));
  }
}
