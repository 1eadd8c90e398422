package dev.postbox.core.json;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A minimal streaming JSON writer for the few documents core builds itself (callback bodies); core
 * has no JSON library. Callers produce well-formed structure; this class handles commas and
 * escaping. Not thread-safe.
 */
public final class JsonWriter {
  private final StringBuilder sb = new StringBuilder(256);
  private boolean needComma;

  public JsonWriter beginObject() {
    comma();
    sb.append('{');
    needComma = false;
    return this;
  }

  public JsonWriter endObject() {
    sb.append('}');
    needComma = true;
    return this;
  }

  public JsonWriter name(String name) {
    comma();
    string(name);
    sb.append(':');
    needComma = false;
    return this;
  }

  public JsonWriter value(String v) {
    comma();
    if (v == null) {
      sb.append("null");
    } else {
      string(v);
    }
    needComma = true;
    return this;
  }

  public JsonWriter value(long v) {
    comma();
    sb.append(v);
    needComma = true;
    return this;
  }

  public JsonWriter field(String name, String v) {
    return name(name).value(v);
  }

  public JsonWriter field(String name, long v) {
    return name(name).value(v);
  }

  public JsonWriter field(String name, boolean v) {
    name(name).comma();
    sb.append(v);
    needComma = true;
    return this;
  }

  /** Writes {@code "name": v} only when v is not null. */
  public JsonWriter optionalField(String name, String v) {
    return v == null ? this : field(name, v);
  }

  /** A header map as an object of string arrays. */
  public JsonWriter field(String name, Map<String, List<String>> headers) {
    name(name);
    beginObject();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      name(e.getKey());
      comma();
      sb.append('[');
      needComma = false;
      for (String v : e.getValue()) {
        value(v);
      }
      sb.append(']');
      needComma = true;
    }
    return endObject();
  }

  private void comma() {
    if (needComma) {
      sb.append(',');
      needComma = false;
    }
  }

  private void string(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\b':
          sb.append("\\b");
          break;
        case '\f':
          sb.append("\\f");
          break;
        default:
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  @Override
  public String toString() {
    return sb.toString();
  }

  public byte[] toBytes() {
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
