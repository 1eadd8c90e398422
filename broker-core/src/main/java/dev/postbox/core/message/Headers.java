package dev.postbox.core.message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Helpers for header maps: canonical names (Go's CanonicalMIMEHeaderKey) and immutable copies. */
public final class Headers {
  private Headers() {}

  /**
   * {@code content-type} becomes {@code Content-Type}; {@code x-api-KEY} becomes {@code X-Api-Key}.
   */
  public static String canonical(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    boolean upper = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == ' ' || c > 127) {
        return name; // Go leaves invalid names untouched
      }
      sb.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
      upper = c == '-';
    }
    return sb.toString();
  }

  /** An immutable, insertion-ordered copy with immutable value lists; null becomes empty. */
  public static Map<String, List<String>> copyOf(Map<String, List<String>> headers) {
    if (headers == null || headers.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(copy);
  }

  /** Adds a value under its canonical name, keeping earlier values. */
  public static void add(Map<String, List<String>> into, String name, String value) {
    into.computeIfAbsent(canonical(name), k -> new ArrayList<>(1)).add(value);
  }

  /** First value of a header, looked up case-insensitively, or null. */
  public static String first(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
