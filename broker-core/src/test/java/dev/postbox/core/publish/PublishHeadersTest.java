package dev.postbox.core.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Redaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PublishHeadersTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final PublishLimits LIMITS = PublishLimits.defaults();

  private static PublishOptions parse(String... kv) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      h.computeIfAbsent(kv[i], k -> new ArrayList<>()).add(kv[i + 1]);
    }
    return PublishHeaders.parse(h, NOW, LIMITS);
  }

  private static String error(String... kv) {
    return assertThrows(InvalidRequestException.class, () -> parse(kv)).getMessage();
  }

  @Test
  void defaults() {
    PublishOptions o = parse();
    assertEquals("POST", o.method());
    assertEquals(NOW, o.notBefore());
    assertEquals(3, o.retries());
    assertNull(o.retryDelayExpression());
    assertEquals(0, o.timeoutMillis());
    assertTrue(o.forwardedHeaders().isEmpty());
    assertNull(o.callback());
    assertTrue(o.labels().isEmpty());
    assertNull(o.flowControl());
    assertTrue(o.redaction().isNone());
  }

  @Test
  void forwardedHeadersLoseTheirPrefixAndConfigTelemetryAndAuthAreNotForwarded() {
    PublishOptions o =
        parse(
            "content-type", "text/plain;charset=UTF-8",
            "upstash-forward-x-test", "v",
            "Upstash-Forward-Bypass-Tunnel-Reminder", "client-test",
            "upstash-forward-multi", "a",
            "upstash-forward-multi", "b",
            "authorization", "Bearer secret",
            "upstash-telemetry-sdk", "upstash-qstash-js@2.12.0",
            "upstash-retries", "1",
            "upstash-workflow-runid", "wfr_1",
            "x-not-forwarded", "1");
    assertEquals(
        Map.of(
            "Content-Type", List.of("text/plain;charset=UTF-8"),
            "X-Test", List.of("v"),
            "Bypass-Tunnel-Reminder", List.of("client-test"),
            "Multi", List.of("a", "b"),
            "Upstash-Workflow-Runid", List.of("wfr_1")),
        o.forwardedHeaders());
  }

  @Test
  void headerForwardModeForwardsPlainHeadersButNotAuthOrTransport() {
    PublishOptions o =
        parse(
            "upstash-header-forward", "true",
            "x-github-event", "push",
            "authorization", "Bearer secret",
            "host", "example.com",
            "content-length", "5");
    assertEquals(Map.of("X-Github-Event", List.of("push")), o.forwardedHeaders());
  }

  @Test
  void delayNotBeforeRetriesTimeoutMethod() {
    assertEquals(NOW + 50_000, parse("Upstash-Delay", "50s").notBefore());
    assertEquals(NOW + 1_500, parse("upstash-delay", "1.5s").notBefore());
    assertEquals(
        1_708_640_000_000L,
        parse("Upstash-Not-Before", "1708640000", "Upstash-Delay", "5s").notBefore());
    assertEquals(NOW, parse("Upstash-Not-Before", "1000").notBefore(), "past is now");
    assertEquals(0, parse("Upstash-Retries", "0").retries());
    assertEquals(1_500, parse("Upstash-Timeout", "1.5s").timeoutMillis());
    assertEquals(LIMITS.maxTimeoutMillis(), parse("Upstash-Timeout", "3d").timeoutMillis());
    assertEquals("PUT", parse("Upstash-Method", "put").method());
    assertEquals(3, parse("Upstash-Retries", " ").retries(), "blank counts as absent");
  }

  @Test
  void invalidValuesNameTheHeader() {
    assertTrue(error("Upstash-Delay", "soon").contains("Upstash-Delay"));
    assertTrue(error("Upstash-Delay", "400d").contains("Upstash-Delay"));
    assertTrue(error("Upstash-Retries", "-1").contains("Upstash-Retries"));
    assertTrue(error("Upstash-Retries", "21").contains("Upstash-Retries"));
    assertTrue(error("Upstash-Retries", "x").contains("Upstash-Retries"));
    assertTrue(error("Upstash-Not-Before", "soon").contains("Upstash-Not-Before"));
    assertTrue(error("Upstash-Not-Before", "99999999999").contains("milliseconds"));
    assertTrue(error("Upstash-Method", "FOO").contains("Upstash-Method"));
    assertTrue(error("Upstash-Timeout", "0s").contains("Upstash-Timeout"));
    assertTrue(error("Upstash-Retry-Delay", "x").contains("Upstash-Retry-Delay"));
    assertTrue(error("Upstash-Callback", "ftp://x").contains("Upstash-Callback"));
    assertTrue(error("Upstash-Failure-Callback", "/rel").contains("Upstash-Failure-Callback"));
    assertTrue(
        error("Upstash-Callback", "http://x", "Upstash-Callback-Retries", "-2")
            .contains("Upstash-Callback-Retries"));
    assertTrue(error("Upstash-Queue-Name", "a b").contains("Upstash-Queue-Name"));
    assertTrue(
        error("Upstash-Content-Based-Deduplication", "yes")
            .contains("Upstash-Content-Based-Deduplication"));
    assertTrue(error("Upstash-Redact-Fields", "bodies").contains("Upstash-Redact-Fields"));
    assertTrue(error("Upstash-Flow-Control-Key", "k").contains("Upstash-Flow-Control-Value"));
    assertTrue(
        error("Upstash-Flow-Control-Key", "k", "Upstash-Flow-Control-Value", "period=1s")
            .contains("parallelism"));
  }

  @Test
  void callbacksWithTheirOwnConfigurationAndHeaders() {
    PublishOptions o =
        parse(
            "Upstash-Callback", "https://cb.example/ok?x=1",
            "Upstash-Callback-Method", "put",
            "Upstash-Callback-Retries", "2",
            "Upstash-Callback-Timeout", "10s",
            "Upstash-Callback-Retry-Delay", "1000",
            "Upstash-Callback-Delay", "5s",
            "Upstash-Callback-Forward-X-Cb", "1",
            "Upstash-Failure-Callback", "http://localhost:3000/failed",
            "Upstash-Failure-Callback-Forward-X-Fcb", "2");
    assertEquals("https://cb.example/ok?x=1", o.callback().url());
    assertEquals("PUT", o.callback().method());
    assertEquals(2, o.callback().retries());
    assertEquals(10_000, o.callback().timeoutMillis());
    assertEquals("1000", o.callback().retryDelayExpression());
    assertEquals(5_000, o.callback().delayMillis());
    assertEquals(Map.of("X-Cb", List.of("1")), o.callback().headers());
    assertEquals("http://localhost:3000/failed", o.failureCallback().url());
    assertNull(o.failureCallback().retries());
    assertEquals(Map.of("X-Fcb", List.of("2")), o.failureCallback().headers());
    assertFalse(o.forwardedHeaders().containsKey("X-Cb"));
  }

  @Test
  void labelsFlowControlRedactionAndTheRest() {
    PublishOptions o =
        parse(
            "Upstash-Label", " a, b ,,c",
            "Upstash-Flow-Control-Key", "user-1",
            "Upstash-Flow-Control-Value", "parallelism=3, rate=5, period=1h30m3s",
            "Upstash-Redact-Fields", "body, header[authorization],headers[X-Api-Key]",
            "Upstash-Deduplication-Id", "d1",
            "Upstash-Content-Based-Deduplication", "True",
            "Upstash-Queue-Name", "q.1",
            "Upstash-Cron", " */5 * * * * ",
            "Upstash-Schedule-Id", "s_1");
    assertEquals(List.of("a", "b", "c"), o.labels());
    assertEquals(new FlowControl("user-1", 3, 5, 5403), o.flowControl());
    assertEquals(new Redaction(true, false, Set.of("Authorization", "X-Api-Key")), o.redaction());
    assertEquals("d1", o.deduplicationId());
    assertTrue(o.contentBasedDeduplication());
    assertEquals("q.1", o.queueName());
    assertEquals("*/5 * * * *", o.cron());
    assertEquals("s_1", o.scheduleId());
    assertEquals(
        new FlowControl("k", null, 10, 1),
        parse("Upstash-Flow-Control-Key", "k", "Upstash-Flow-Control-Value", "rate=10")
            .flowControl());
    assertEquals(
        86_400,
        parse("Upstash-Flow-Control-Key", "k", "Upstash-Flow-Control-Value", "rate=1,period=1d")
            .flowControl()
            .periodSeconds());
  }

  @Test
  void aForwardedHeaderAndAPlainOneOfTheSameNameAreDeliveredOnce() {
    PublishOptions o =
        parse(
            "Upstash-Workflow-Sdk-Version", "1",
            "Upstash-Forward-Upstash-Workflow-Sdk-Version", "1",
            "Upstash-Workflow-RunId", "wfr_1");
    assertEquals(List.of("1"), o.forwardedHeaders().get("Upstash-Workflow-Sdk-Version"));
    assertEquals(List.of("wfr_1"), o.forwardedHeaders().get("Upstash-Workflow-Runid"));
  }
}
