package dev.postbox.core.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postbox.core.error.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DefaultHeadersTest {
  private static final PublishLimits LIMITS = PublishLimits.defaults();

  private static Map<String, List<String>> headers(String... nameValue) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      h.put(nameValue[i], List.of(nameValue[i + 1]));
    }
    return h;
  }

  private static String rejected(Map<String, List<String>> defaults) {
    return assertThrows(
            InvalidRequestException.class, () -> DefaultHeaders.check(defaults, 0, LIMITS))
        .getMessage();
  }

  @Test
  void defaultsFillOnlyTheHeadersTheRequestDoesNotCarry() {
    Map<String, List<String>> request =
        headers("content-type", "text/plain", "upstash-forward-x-team", "red");
    Map<String, List<String>> defaults =
        headers(
            "Upstash-Forward-X-Team", "blue",
            "Upstash-Retries", "0",
            "Upstash-Forward-X-Region", "eu");
    Map<String, List<String>> merged = DefaultHeaders.fill(request, defaults);
    assertEquals(
        List.of(
            "content-type",
            "upstash-forward-x-team",
            "Upstash-Retries",
            "Upstash-Forward-X-Region"),
        List.copyOf(merged.keySet()));
    assertEquals(List.of("red"), merged.get("upstash-forward-x-team"));

    PublishOptions o = PublishHeaders.parse(merged, 0, LIMITS);
    assertEquals(0, o.retries());
    assertEquals(
        Map.of(
            "Content-Type", List.of("text/plain"),
            "X-Team", List.of("red"),
            "X-Region", List.of("eu")),
        o.forwardedHeaders());
  }

  @Test
  void withoutDefaultsTheRequestIsUsedAsItIs() {
    Map<String, List<String>> request = headers("upstash-retries", "2");
    assertSame(request, DefaultHeaders.fill(request, Map.of()));
  }

  @Test
  void checkAcceptsWhatAPublishAcceptsAndKeepsTheNamesAsGiven() {
    Map<String, List<String>> defaults = new LinkedHashMap<>();
    defaults.put("Upstash-Retries", List.of("3"));
    defaults.put("Upstash-Header-Forward", List.of("true"));
    defaults.put("Upstash-Forward-X", List.of("a", "b"));
    assertEquals(defaults, DefaultHeaders.check(defaults, 0, LIMITS));
    assertEquals(
        List.copyOf(defaults.keySet()),
        List.copyOf(DefaultHeaders.check(defaults, 0, LIMITS).keySet()));
  }

  @Test
  void checkRejectsWhatAPublishRejects() {
    assertEquals(
        "invalid Upstash-Retries: \"abc\" (expected an integer)",
        rejected(headers("Upstash-Retries", "abc")));
    assertEquals(
        "invalid Upstash-Retries: must be between 0 and 20",
        rejected(headers("Upstash-Retries", "21")));
    assertEquals(
        "invalid Upstash-Header-Forward: \"yes\" (expected true or false)",
        rejected(headers("Upstash-Header-Forward", "yes")));
  }

  @Test
  void checkRejectsHeadersThatOnlyMakeSenseOnOneRequest() {
    assertEquals(
        "Upstash-Cron cannot be a default header of a URL group: it would turn every publish into a"
            + " schedule",
        rejected(headers("Upstash-Cron", "* * * * *")));
    assertEquals(
        "upstash-deduplication-id cannot be a default header of a URL group: every publish after"
            + " the first would be dropped as a duplicate",
        rejected(headers("upstash-deduplication-id", "x")));
  }

  @Test
  void checkRejectsMalformedNamesAndValues() {
    assertEquals("invalid default header name \"X Team\"", rejected(headers("X Team", "blue")));
    assertEquals(
        "default header upstash-retries is given twice",
        rejected(headers("Upstash-Retries", "1", "upstash-retries", "2")));
    assertEquals(
        "default header X-A: values must not contain line breaks",
        rejected(headers("X-A", "a\r\nInjected: yes")));
    assertEquals("default header X-A has no value", rejected(Map.of("X-A", List.of())));
  }
}
