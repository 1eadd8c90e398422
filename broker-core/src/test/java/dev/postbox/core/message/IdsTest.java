package dev.postbox.core.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void aMessageIdsCreationTimeIsReadBack() {
    long before = System.currentTimeMillis();
    String id = Ids.messageId();
    long after = System.currentTimeMillis();
    long at = Ids.millisOf(id);
    assertTrue(at >= before && at <= after + 1000, id + " -> " + at);
    assertEquals(-1, Ids.millisOf("msg_1"));
    assertEquals(-1, Ids.millisOf("scd_00000000000000000000000a"));
    assertEquals(-1, Ids.millisOf("msg_0000000000!0000000000000"));
    assertEquals(-1, Ids.millisOf(null));
  }
}
