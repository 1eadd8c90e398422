package dev.postbox.redis.lettuce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.postbox.core.redis.RedisReply;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ReplyOutput fed the way Lettuce's decoder feeds an output. */
class ReplyOutputTest {
  private static ByteBuffer b(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String show(RedisReply r) {
    if (r instanceof RedisReply.Bulk x) {
      return "'" + x.text() + "'";
    }
    if (r instanceof RedisReply.Array a) {
      return a.items().stream().map(ReplyOutputTest::show).toList().toString();
    }
    return r.toString();
  }

  @Test
  void scalars() {
    ReplyOutput o = new ReplyOutput();
    o.set(42);
    assertEquals(new RedisReply.Int(42), o.get());
    o = new ReplyOutput();
    o.setSingle(b("OK"));
    assertEquals(new RedisReply.Status("OK"), o.get());
    o = new ReplyOutput();
    o.set((ByteBuffer) null);
    assertEquals(RedisReply.Nil.INSTANCE, o.get());
  }

  @Test
  void nestedArraysByTheirCounts() {
    // *3 [ 'a', *2 [ 1, nil ], *0 [] ]
    ReplyOutput o = new ReplyOutput();
    o.multi(3);
    o.set(b("a"));
    o.multi(2);
    o.set(1);
    o.set((ByteBuffer) null);
    o.multi(0);
    assertEquals("['a', [Int[value=1], Nil[]], []]", show(o.get()));
  }

  @Test
  void aNilArrayIsNil() {
    ReplyOutput o = new ReplyOutput();
    o.multi(-1);
    assertEquals(RedisReply.Nil.INSTANCE, o.get());
  }

  @Test
  void anErrorInsideAnArrayIsAnElementAtTheTopTheCommandsError() {
    ReplyOutput o = new ReplyOutput();
    o.multi(2);
    o.setError(b("ERR inner"));
    o.set(7);
    assertEquals(
        new RedisReply.Array(List.of(new RedisReply.Error("ERR inner"), new RedisReply.Int(7))),
        o.get());
    assertNull(o.getError());

    ReplyOutput top = new ReplyOutput();
    top.setError(b("NOSCRIPT No matching script"));
    assertEquals("NOSCRIPT No matching script", top.getError());
  }
}
