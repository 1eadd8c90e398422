package dev.postbox.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postbox.core.destination.DestinationDeniedException;
import dev.postbox.core.destination.DestinationPolicy;
import dev.postbox.core.publish.PublishLimits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A publish-like request is refused when its destination or a callback URL is denied. */
class PublishDestinationPolicyTest {
  private static final PublishLimits LIMITS =
      PublishLimits.defaults()
          .withDestinations(
              DestinationPolicy.of(
                  List.of("10.0.0.7"), List.of("10.0.0.0/8", "*.internal"), false));

  private static PublishRequest publish(String destination, String... nameValue) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      h.put(nameValue[i], List.of(nameValue[i + 1]));
    }
    return PublishRequest.of(destination, "", h, g -> Map.of(), LIMITS, 1_000);
  }

  @Test
  void aDeniedDestinationIsRefusedNamingTheRule() {
    DestinationDeniedException e =
        assertThrows(DestinationDeniedException.class, () -> publish("http://10.1.2.3:8080/x"));
    assertEquals(
        "destination http://10.1.2.3:8080/x is denied by rule deny 10.0.0.0/8", e.getMessage());
    e =
        assertThrows(
            DestinationDeniedException.class, () -> publish("https%3A%2F%2Fdb.internal%2Fhook"));
    assertEquals(
        "destination https://db.internal/hook is denied by rule deny *.internal", e.getMessage());
  }

  @Test
  void anAllowedDestinationIsAccepted() {
    assertEquals("http://10.0.0.7/x", publish("http://10.0.0.7/x").url());
    assertEquals("https://example.com/x", publish("https://example.com/x").url());
    assertEquals("group", publish("group").urlGroup()); // its endpoints are checked on fan-out
  }

  @Test
  void aDeniedCallbackIsRefused() {
    DestinationDeniedException e =
        assertThrows(
            DestinationDeniedException.class,
            () ->
                publish(
                    "https://example.com/x", "upstash-failure-callback", "http://10.9.9.9/failed"));
    assertEquals(
        "Upstash-Failure-Callback URL http://10.9.9.9/failed is denied by rule deny 10.0.0.0/8",
        e.getMessage());
    e =
        assertThrows(
            DestinationDeniedException.class,
            () -> publish("https://example.com/x", "upstash-callback", "http://a.internal/cb"));
    assertEquals(
        "Upstash-Callback URL http://a.internal/cb is denied by rule deny *.internal",
        e.getMessage());
  }

  @Test
  void anIpv6LiteralIsCheckedAgainstIpv6Ranges() {
    PublishLimits v6 =
        PublishLimits.defaults()
            .withDestinations(DestinationPolicy.of(List.of(), List.of("::1/128"), false));
    for (String raw : List.of("http://[::1]:8080/x", "http%3A%2F%2F%5B%3A%3A1%5D%3A8080%2Fx")) {
      DestinationDeniedException e =
          assertThrows(
              DestinationDeniedException.class,
              () -> PublishRequest.of(raw, "", Map.of(), g -> Map.of(), v6, 1_000));
      assertEquals(
          "destination http://[::1]:8080/x is denied by rule deny ::1/128", e.getMessage());
    }
    assertEquals(
        "http://[::2]:8080/x",
        PublishRequest.of("http://[::2]:8080/x", "", Map.of(), g -> Map.of(), v6, 1_000).url());
  }
}
