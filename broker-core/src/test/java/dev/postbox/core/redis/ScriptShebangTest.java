package dev.postbox.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ScriptShebangTest {
  @Test
  void dropsUpstashsOwnFlagAndKeepsTheBody() {
    String script = "#!lua flags=allow-key-locking\nreturn redis.call('GET', KEYS[1])";
    assertEquals("#!lua\nreturn redis.call('GET', KEYS[1])", ScriptShebang.rewrite(script));
  }

  @Test
  void keepsTheFlagsRedisKnows() {
    assertEquals(
        "#!lua flags=no-writes,allow-oom\nreturn 1",
        ScriptShebang.rewrite(
            "#!lua flags=no-writes,allow-key-locking,allow-oom,made-up\nreturn 1"));
  }

  @Test
  void keepsOtherShebangWords() {
    assertEquals(
        "#!lua name=lib\nreturn 1",
        ScriptShebang.rewrite("#!lua name=lib flags=allow-key-locking\nreturn 1"));
  }

  @Test
  void leavesScriptsWithoutUnknownFlagsAlone() {
    String plain = "return redis.call('INCR', KEYS[1])";
    assertSame(plain, ScriptShebang.rewrite(plain));
    String known = "#!lua flags=no-writes\nreturn 1";
    assertSame(known, ScriptShebang.rewrite(known));
    String bare = "#!lua\nreturn 1";
    assertSame(bare, ScriptShebang.rewrite(bare));
  }
}
