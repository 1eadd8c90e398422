package dev.postbox.core.workflow;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.json.JsonWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader and writer for the few JSON bodies the workflow protocol hands the
 * broker (an invoke request). Objects read as {@link LinkedHashMap} (key order kept), arrays as
 * {@link List}, strings as {@link String}, numbers as {@link Num} (their text, written back as it
 * was), {@code true}/{@code false} as {@link Boolean} and {@code null} as {@link #NULL}. Malformed
 * input is refused with 400.
 */
final class JsonValues {
  /** A JSON number, kept as written. */
  record Num(String text) {
    long asLong() {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        return (long) Double.parseDouble(text);
      }
    }
  }

  /** JSON {@code null} (a Java null means "absent"). */
  static final Object NULL = new Object();

  private final String s;
  private int pos;

  private JsonValues(String s) {
    this.s = s;
  }

  static Object parse(String text) {
    JsonValues r = new JsonValues(text);
    r.space();
    Object v = r.value();
    r.space();
    if (r.pos != text.length()) {
      throw r.error("unexpected text after the value");
    }
    return v;
  }

  /** The value as JSON text. */
  static String write(Object v) {
    StringBuilder sb = new StringBuilder();
    write(v, sb);
    return sb.toString();
  }

  private static void write(Object v, StringBuilder sb) {
    if (v == NULL || v == null) {
      sb.append("null");
    } else if (v instanceof String str) {
      sb.append(new JsonWriter().value(str));
    } else if (v instanceof Num n) {
      sb.append(n.text());
    } else if (v instanceof Boolean b) {
      sb.append(b);
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(new JsonWriter().value((String) e.getKey())).append(':');
        write(e.getValue(), sb);
      }
      sb.append('}');
    } else if (v instanceof List<?> l) {
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(l.get(i), sb);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v.getClass());
    }
  }

  private Object value() {
    if (pos >= s.length()) {
      throw error("unexpected end");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return word("true", Boolean.TRUE);
      case 'f':
        return word("false", Boolean.FALSE);
      case 'n':
        return word("null", NULL);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected '" + c + "'");
    }
  }

  private Map<String, Object> object() {
    Map<String, Object> m = new LinkedHashMap<>();
    pos++;
    space();
    if (peek() == '}') {
      pos++;
      return m;
    }
    while (true) {
      space();
      if (peek() != '"') {
        throw error("expected a field name");
      }
      String key = string();
      space();
      expect(':');
      space();
      m.put(key, value());
      space();
      char c = next();
      if (c == '}') {
        return m;
      }
      if (c != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array() {
    List<Object> l = new ArrayList<>();
    pos++;
    space();
    if (peek() == ']') {
      pos++;
      return l;
    }
    while (true) {
      space();
      l.add(value());
      space();
      char c = next();
      if (c == ']') {
        return l;
      }
      if (c != ',') {
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw error("control character in a string");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (pos + 4 > s.length()) {
            throw error("short \\u escape");
          }
          try {
            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
          }
          pos += 4;
        }
        default -> throw error("bad escape \\" + e);
      }
    }
  }

  private Num number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    digits();
    if (peek() == '.') {
      pos++;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      digits();
    }
    return new Num(s.substring(start, pos));
  }

  private void digits() {
    int start = pos;
    while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      throw error("expected a digit");
    }
  }

  private Object word(String w, Object v) {
    if (!s.startsWith(w, pos)) {
      throw error("unexpected text");
    }
    pos += w.length();
    return v;
  }

  private void space() {
    while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private char peek() {
    return pos < s.length() ? s.charAt(pos) : '\0';
  }

  private char next() {
    if (pos >= s.length()) {
      throw error("unexpected end");
    }
    return s.charAt(pos++);
  }

  private void expect(char c) {
    if (next() != c) {
      throw error("expected '" + c + "'");
    }
  }

  private InvalidRequestException error(String what) {
    return new InvalidRequestException("invalid JSON at " + pos + ": " + what);
  }
}
