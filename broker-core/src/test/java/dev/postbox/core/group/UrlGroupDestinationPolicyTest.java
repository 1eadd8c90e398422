package dev.postbox.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postbox.core.destination.DestinationDeniedException;
import dev.postbox.core.destination.DestinationPolicy;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** URL-group endpoints are destinations: checked when added and again when a publish fans out. */
class UrlGroupDestinationPolicyTest {
  private static final PublishLimits DENY_INTERNAL =
      PublishLimits.defaults()
          .withDestinations(DestinationPolicy.of(List.of(), List.of("*.internal"), false));

  @Test
  void aDeniedEndpointIsRefusedWhenAdded() {
    UrlGroupService groups =
        new UrlGroupService(new InMemoryMessageStore(), new SettableClock(), DENY_INTERNAL);
    DestinationDeniedException e =
        assertThrows(
            DestinationDeniedException.class,
            () ->
                groups.addEndpoints(
                    "t1",
                    "g",
                    List.of(
                        new Endpoint(null, "https://example.com/a"),
                        new Endpoint(null, "http://db.internal/b"))));
    assertEquals("endpoint http://db.internal/b is denied by rule deny *.internal", e.getMessage());
    assertThrows(NotFoundException.class, () -> groups.get("t1", "g")); // nothing stored
  }

  @Test
  void anEndpointAddedUnderAnEarlierPolicyIsRefusedOnPublish() {
    InMemoryMessageStore store = new InMemoryMessageStore();
    SettableClock clock = new SettableClock();
    new UrlGroupService(store, clock, PublishLimits.defaults())
        .addEndpoints("t1", "g", List.of(new Endpoint(null, "http://db.internal/b")));
    UrlGroupService now = new UrlGroupService(store, clock, DENY_INTERNAL);
    DestinationDeniedException e =
        assertThrows(DestinationDeniedException.class, () -> now.forPublish("t1", "g"));
    assertEquals(
        "destination http://db.internal/b is denied by rule deny *.internal", e.getMessage());
  }
}
