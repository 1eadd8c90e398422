package dev.postbox.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.redis.CommandPolicy.Placement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandPolicyTest {
  static List<byte[]> cmd(String... words) {
    List<byte[]> out = new ArrayList<>();
    for (String w : words) {
      out.add(w.getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SUBSCRIBE",
        "psubscribe",
        "MONITOR",
        "SELECT",
        "WAIT",
        "QUIT",
        "RESET",
        "CLIENT",
        "HELLO",
        "AUTH",
        "MULTI",
        "EXEC",
        "WATCH"
      })
  void connectionStateAndTransactionCommandsAreRefusedByName(String name) {
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> CommandPolicy.check(cmd(name, "x")));
    assertTrue(
        e.getMessage().startsWith("ERR command " + name.toUpperCase() + " is not supported"),
        e.getMessage());
  }

  @Test
  void blockingWithoutABoundIsRefused() {
    assertRefused(cmd("BLPOP", "q", "0"), "BLPOP");
    assertRefused(cmd("brpop", "a", "b", "0.0"), "BRPOP");
    assertRefused(cmd("BLMOVE", "a", "b", "LEFT", "RIGHT", "0"), "BLMOVE");
    assertRefused(cmd("BZPOPMIN", "z", "0"), "BZPOPMIN");
    assertRefused(cmd("BLMPOP", "0", "1", "q", "LEFT"), "BLMPOP");
    assertRefused(cmd("XREAD", "BLOCK", "0", "STREAMS", "s", "$"), "XREAD");
    assertRefused(
        cmd("XREADGROUP", "GROUP", "g", "c", "block", "0", "STREAMS", "s", ">"), "XREADGROUP");
  }

  @Test
  void blockingWithALongBoundIsRefused() {
    assertRefused(cmd("BLPOP", "q", "11"), "BLPOP");
    assertRefused(cmd("XREAD", "BLOCK", "10001", "STREAMS", "s", "$"), "XREAD");
  }

  @Test
  void boundedBlockingRunsAlone() {
    assertEquals(Placement.ALONE, CommandPolicy.check(cmd("BLPOP", "q", "0.5")));
    assertEquals(Placement.ALONE, CommandPolicy.check(cmd("BZPOPMAX", "z", "10")));
    assertEquals(
        Placement.ALONE, CommandPolicy.check(cmd("XREAD", "BLOCK", "500", "STREAMS", "s", "$")));
  }

  @Test
  void everythingElseIsShared() {
    assertEquals(Placement.SHARED, CommandPolicy.check(cmd("GET", "k")));
    assertEquals(
        Placement.SHARED, CommandPolicy.check(cmd("XREAD", "COUNT", "1", "STREAMS", "block", "0")));
    assertEquals(Placement.SHARED, CommandPolicy.check(cmd("BLPOP", "q", "soon")));
    assertEquals(Placement.SHARED, CommandPolicy.check(cmd("EVAL", "return 1", "0")));
  }

  @Test
  void anEmptyCommandIsRefused() {
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> CommandPolicy.check(List.of()));
    assertTrue(e.getMessage().startsWith("empty command"), e.getMessage());
  }

  @Test
  void aBatchRefusesBlockingCommandsAndEmptiness() {
    InvalidRequestException blocking =
        assertThrows(
            InvalidRequestException.class,
            () ->
                CommandPolicy.checkBatch(
                    List.of(cmd("SET", "a", "1"), cmd("BLPOP", "q", "1")), "pipeline"));
    assertTrue(blocking.getMessage().contains("BLPOP"), blocking.getMessage());
    InvalidRequestException empty =
        assertThrows(
            InvalidRequestException.class, () -> CommandPolicy.checkBatch(List.of(), "pipeline"));
    assertTrue(empty.getMessage().startsWith("pipeline has no commands"), empty.getMessage());
  }

  private static void assertRefused(List<byte[]> command, String name) {
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> CommandPolicy.check(command));
    assertTrue(
        e.getMessage().startsWith("ERR command " + name + " is not supported"), e.getMessage());
  }
}
