package dev.postbox.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UrlGroupServiceTest {
  private static final Endpoint A = new Endpoint(null, "https://example.com/a");
  private static final Endpoint B = new Endpoint("b", "https://example.com/b");
  private static final Map<String, List<String>> DEFAULTS =
      Map.of("Upstash-Retries", List.of("0"), "Upstash-Forward-X-Team", List.of("blue"));

  private final SettableClock clock = new SettableClock();
  private final UrlGroupService groups =
      new UrlGroupService(new InMemoryMessageStore(), clock, PublishLimits.defaults());

  @Test
  void deletingAGroupThatDoesNotExistSucceeds() {
    groups.delete("t1", "never-created");
    groups.addEndpoints("t1", "g", List.of(new Endpoint(null, "https://example.com/a")));
    groups.delete("t1", "g");
    groups.delete("t1", "g");
    assertEquals(List.of(), groups.list("t1"));
    assertEquals(
        "URL group g not found",
        assertThrows(NotFoundException.class, () -> groups.get("t1", "g")).getMessage());
  }

  @Test
  void defaultHeadersAreStoredOnTheGroupAndChangeItsUpdateTime() {
    groups.addEndpoints("t1", "g", List.of(A));
    long created = groups.get("t1", "g").createdAt();
    clock.tick(Duration.ofSeconds(5));
    UrlGroup g = groups.setDefaultHeaders("t1", "g", DEFAULTS);
    assertEquals(DEFAULTS, g.defaultHeaders());
    assertEquals(g, groups.get("t1", "g"));
    assertEquals(DEFAULTS, groups.defaultHeaders("t1", "g"));
    assertEquals(created, g.createdAt());
    assertEquals(created + 5000, g.updatedAt());
    assertEquals(Map.of(), groups.defaultHeaders("t2", "g")); // another tenant's group
  }

  @Test
  void settingDefaultHeadersOfAMissingGroupIsA404AndCreatesNothing() {
    NotFoundException e =
        assertThrows(
            NotFoundException.class, () -> groups.setDefaultHeaders("t1", "nope", DEFAULTS));
    assertEquals("URL group nope not found", e.getMessage());
    assertEquals(List.of(), groups.list("t1"));
  }

  @Test
  void anEmptyMapClearsTheDefaults() {
    groups.addEndpoints("t1", "g", List.of(A));
    groups.setDefaultHeaders("t1", "g", DEFAULTS);
    groups.setDefaultHeaders("t1", "g", Map.of());
    assertEquals(Map.of(), groups.get("t1", "g").defaultHeaders());
  }

  @Test
  void changingEndpointsKeepsTheDefaultsAndDeletingTheGroupDropsThem() {
    groups.addEndpoints("t1", "g", List.of(A));
    groups.setDefaultHeaders("t1", "g", DEFAULTS);
    groups.addEndpoints("t1", "g", List.of(B));
    assertEquals(DEFAULTS, groups.get("t1", "g").defaultHeaders());
    groups.removeEndpoints("t1", "g", List.of(new Endpoint("b", null)));
    assertEquals(List.of(A), groups.get("t1", "g").endpoints());
    assertEquals(DEFAULTS, groups.get("t1", "g").defaultHeaders());

    groups.delete("t1", "g");
    groups.addEndpoints("t1", "g", List.of(A));
    assertEquals(Map.of(), groups.get("t1", "g").defaultHeaders());
  }

  @Test
  void removingTheLastEndpointDropsTheDefaultsWithTheGroup() {
    groups.addEndpoints("t1", "g", List.of(A));
    groups.setDefaultHeaders("t1", "g", DEFAULTS);
    groups.removeEndpoints("t1", "g", List.of(A));
    groups.addEndpoints("t1", "g", List.of(A));
    assertEquals(Map.of(), groups.get("t1", "g").defaultHeaders());
  }

  @Test
  void aBadDefaultIsRejectedWhenSetAndTheOldDefaultsStay() {
    groups.addEndpoints("t1", "g", List.of(A));
    groups.setDefaultHeaders("t1", "g", DEFAULTS);
    InvalidRequestException e =
        assertThrows(
            InvalidRequestException.class,
            () -> groups.setDefaultHeaders("t1", "g", Map.of("Upstash-Retries", List.of("abc"))));
    assertEquals("invalid Upstash-Retries: \"abc\" (expected an integer)", e.getMessage());
    assertEquals(DEFAULTS, groups.get("t1", "g").defaultHeaders());
  }
}
