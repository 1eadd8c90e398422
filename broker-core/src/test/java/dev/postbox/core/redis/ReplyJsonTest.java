package dev.postbox.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyJsonTest {
  private static String single(RedisReply r, boolean base64) {
    return new String(ReplyJson.single(r, base64), StandardCharsets.UTF_8);
  }

  @Test
  void resp2ShapesAsJson() {
    assertEquals("{\"result\":42}", single(new RedisReply.Int(42), false));
    assertEquals("{\"result\":null}", single(RedisReply.Nil.INSTANCE, false));
    assertEquals("{\"result\":\"OK\"}", single(new RedisReply.Status("OK"), false));
    assertEquals("{\"result\":\"a \\\"b\\\"\\n\"}", single(RedisReply.Bulk.of("a \"b\"\n"), false));
    assertEquals(
        "{\"result\":[\"f\",\"v\",[1,null]]}",
        single(
            new RedisReply.Array(
                List.of(
                    RedisReply.Bulk.of("f"),
                    RedisReply.Bulk.of("v"),
                    new RedisReply.Array(List.of(new RedisReply.Int(1), RedisReply.Nil.INSTANCE)))),
            false));
    assertEquals("{\"error\":\"ERR wrong\"}", single(new RedisReply.Error("ERR wrong"), false));
  }

  @Test
  void base64EncodesStringsElementByElementButNotNumbersNullsOrErrors() {
    RedisReply r =
        new RedisReply.Array(
            List.of(
                RedisReply.Bulk.of("héllo"),
                new RedisReply.Int(7),
                RedisReply.Nil.INSTANCE,
                new RedisReply.Array(List.of(new RedisReply.Status("OK")))));
    assertEquals("{\"result\":[\"aMOpbGxv\",7,null,[\"T0s=\"]]}", single(r, true));
    assertEquals("{\"error\":\"ERR x\"}", single(new RedisReply.Error("ERR x"), true));
  }

  @Test
  void eachWrapsEveryReply() {
    assertEquals(
        "[{\"result\":\"OK\"},{\"error\":\"WRONGTYPE no\"},{\"result\":3}]",
        new String(
            ReplyJson.each(
                List.of(
                    new RedisReply.Status("OK"),
                    new RedisReply.Error("WRONGTYPE no"),
                    new RedisReply.Int(3)),
                false),
            StandardCharsets.UTF_8));
  }

  @Test
  void errorBodiesAreEscaped() {
    assertEquals(
        "{\"error\":\"a\\\\b\\u0001\"}",
        new String(ReplyJson.error("a\\b\u0001"), StandardCharsets.UTF_8));
  }
}
