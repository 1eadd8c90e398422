package dev.postbox.core.redis;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Replies as the JSON bodies of the Upstash Redis REST API: {@code {"result": ...}} or {@code
 * {"error": "..."}}, and for a pipeline or transaction an array of those. Integers are numbers, nil
 * is {@code null}, arrays nest. With base64 (the {@code Upstash-Encoding: base64} header, which
 * {@code @upstash/redis} sends by default) every string in a result, bulk or status, is the base64
 * of its bytes, element by element in arrays; numbers, nulls and error messages are not encoded.
 * See docs/redis.md#replies.
 */
public final class ReplyJson {
  private ReplyJson() {}

  /** {@code {"result": ...}}, or {@code {"error": "..."}} for an error reply. */
  public static byte[] single(RedisReply reply, boolean base64) {
    StringBuilder sb = new StringBuilder(64);
    entry(sb, reply, base64);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** An array with one {@link #single} entry per reply. */
  public static byte[] each(List<RedisReply> replies, boolean base64) {
    StringBuilder sb = new StringBuilder(64 * replies.size() + 2);
    sb.append('[');
    for (int i = 0; i < replies.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      entry(sb, replies.get(i), base64);
    }
    sb.append(']');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** {@code {"error": message}}. */
  public static byte[] error(String message) {
    StringBuilder sb = new StringBuilder(message.length() + 16);
    sb.append("{\"error\":");
    string(sb, message);
    sb.append('}');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void entry(StringBuilder sb, RedisReply reply, boolean base64) {
    if (reply instanceof RedisReply.Error e) {
      sb.append("{\"error\":");
      string(sb, e.message());
    } else {
      sb.append("{\"result\":");
      value(sb, reply, base64);
    }
    sb.append('}');
  }

  private static void value(StringBuilder sb, RedisReply reply, boolean base64) {
    if (reply instanceof RedisReply.Int i) {
      sb.append(i.value());
    } else if (reply instanceof RedisReply.Nil) {
      sb.append("null");
    } else if (reply instanceof RedisReply.Bulk b) {
      bytes(sb, b.value(), base64);
    } else if (reply instanceof RedisReply.Status s) {
      bytes(sb, s.value().getBytes(StandardCharsets.UTF_8), base64);
    } else if (reply instanceof RedisReply.Error e) {
      string(sb, e.message()); // an error nested in an array (a script's table): its text
    } else if (reply instanceof RedisReply.Array a) {
      sb.append('[');
      List<RedisReply> items = a.items();
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        value(sb, items.get(i), base64);
      }
      sb.append(']');
    }
  }

  private static void bytes(StringBuilder sb, byte[] b, boolean base64) {
    if (base64) {
      sb.append('"').append(Base64.getEncoder().encodeToString(b)).append('"');
    } else {
      string(sb, new String(b, StandardCharsets.UTF_8));
    }
  }

  /** A JSON string literal, escaped. */
  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
