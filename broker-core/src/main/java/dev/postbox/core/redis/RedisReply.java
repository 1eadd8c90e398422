package dev.postbox.core.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One reply of Redis in the shapes of its RESP2 protocol, which is what the Upstash REST API
 * answers with: an integer, a bulk string (bytes), a status line ({@code OK}), an error, nil, or an
 * array of replies.
 */
public sealed interface RedisReply {
  /** An integer reply: a JSON number. */
  record Int(long value) implements RedisReply {}

  /** A bulk string: raw bytes, UTF-8 text or base64 in JSON. */
  record Bulk(byte[] value) implements RedisReply {
    public static Bulk of(String text) {
      return new Bulk(text.getBytes(StandardCharsets.UTF_8));
    }

    public String text() {
      return new String(value, StandardCharsets.UTF_8);
    }
  }

  /** A status line such as {@code OK}: a JSON string, never encoded. */
  record Status(String value) implements RedisReply {}

  /** An error reply such as {@code ERR unknown command}. */
  record Error(String message) implements RedisReply {}

  /** A nil bulk string or nil array: JSON {@code null}. */
  record Nil() implements RedisReply {
    public static final Nil INSTANCE = new Nil();
  }

  /** An array of replies, possibly nested. */
  record Array(List<RedisReply> items) implements RedisReply {
    public Array {
      items = List.copyOf(items);
    }
  }
}
