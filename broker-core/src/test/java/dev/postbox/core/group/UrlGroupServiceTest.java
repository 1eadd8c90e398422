package dev.postbox.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import java.util.List;
import org.junit.jupiter.api.Test;

class UrlGroupServiceTest {
  private final UrlGroupService groups =
      new UrlGroupService(new InMemoryMessageStore(), new SettableClock());

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
}
