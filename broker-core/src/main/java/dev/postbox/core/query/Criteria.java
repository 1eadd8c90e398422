package dev.postbox.core.query;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.Message;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The filters the messages, logs and DLQ endpoints share (docs/api.md#conventions): OR within one
 * filter, AND across filters. Builds a predicate over any item that exposes its message.
 */
final class Criteria<T> {
  private final Map<String, List<String>> query;
  private final Function<T, Message> message;
  private final List<Predicate<T>> all = new ArrayList<>();

  Criteria(Map<String, List<String>> query, Function<T, Message> message) {
    this.query = query;
    this.message = message;
  }

  /** All values of a multi-value parameter: repeated keys and comma-separated lists. */
  static List<String> values(Map<String, List<String>> q, String key) {
    List<String> raw = q.get(key);
    if (raw == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String v : raw) {
      // A URL may contain commas: split only where the next part starts a new URL.
      String[] parts = key.equals("url") ? v.split(",(?=https?://)") : v.split(",");
      for (String p : parts) {
        String t = p.trim();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  static String single(Map<String, List<String>> q, String key) {
    List<String> v = q.get(key);
    return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
  }

  static Integer integer(Map<String, List<String>> q, String key, int min, int max) {
    String v = single(q, key);
    if (v == null) {
      return null;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) {
        throw new InvalidRequestException(key + " must be between " + min + " and " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("invalid " + key + ": \"" + v + "\" (expected an integer)");
    }
  }

  /** {@code order=latestFirst|earliestFirst}; absent means {@code defaultNewestFirst}. */
  static boolean newestFirst(Map<String, List<String>> q, boolean defaultNewestFirst) {
    String order = single(q, "order");
    if (order == null) {
      return defaultNewestFirst;
    }
    if (order.equals("latestFirst")) {
      return true;
    }
    if (order.equals("earliestFirst")) {
      return false;
    }
    throw new InvalidRequestException(
        "invalid order: \"" + order + "\" (expected latestFirst or earliestFirst)");
  }

  static Long epochMillis(Map<String, List<String>> q, String key) {
    String v = single(q, key);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(
          "invalid " + key + ": \"" + v + "\" (expected Unix time in milliseconds)");
    }
  }

  static void rejectUnknown(Map<String, List<String>> q, Set<String> known, String endpoint) {
    for (String k : q.keySet()) {
      if (!known.contains(k)) {
        throw new InvalidRequestException(
            "unknown parameter \"" + k + "\" for " + endpoint + " (known: " + known + ")");
      }
    }
  }

  /**
   * On destructive bulk calls a selector given with only blank values (e.g. {@code messageIds=})
   * must not silently widen into "all": reject it.
   */
  static void rejectBlank(Map<String, List<String>> q, String endpoint) {
    for (Map.Entry<String, List<String>> e : q.entrySet()) {
      if (values(q, e.getKey()).isEmpty()) {
        throw new InvalidRequestException(
            "parameter \""
                + e.getKey()
                + "\" is empty on "
                + endpoint
                + " (omit it to select all)");
      }
    }
  }

  /** The set of values of a parameter, in order. */
  static Set<String> set(Map<String, List<String>> q, String... keys) {
    Set<String> out = new LinkedHashSet<>();
    for (String k : keys) {
      out.addAll(values(q, k));
    }
    return out;
  }

  Criteria<T> exact(String key, Function<Message, String> field) {
    return exactAny(field, key);
  }

  Criteria<T> exactAny(Function<Message, String> field, String... keys) {
    Set<String> wanted = set(query, keys);
    if (!wanted.isEmpty()) {
      all.add(t -> wanted.contains(field.apply(message.apply(t))));
    }
    return this;
  }

  Criteria<T> label() {
    Set<String> wanted = set(query, "label");
    if (!wanted.isEmpty()) {
      all.add(t -> message.apply(t).labels().stream().anyMatch(wanted::contains));
    }
    return this;
  }

  Criteria<T> host() {
    Set<String> wanted = new LinkedHashSet<>();
    values(query, "host").forEach(h -> wanted.add(h.toLowerCase(Locale.ROOT)));
    if (!wanted.isEmpty()) {
      all.add(t -> wanted.contains(hostOf(message.apply(t).url())));
    }
    return this;
  }

  Criteria<T> path() {
    Set<String> wanted = set(query, "path");
    if (!wanted.isEmpty()) {
      all.add(t -> wanted.contains(pathOf(message.apply(t).url())));
    }
    return this;
  }

  Criteria<T> flowControlKey() {
    Set<String> wanted = set(query, "flowControlKey");
    if (!wanted.isEmpty()) {
      all.add(
          t -> {
            Message m = message.apply(t);
            return m.flowControl() != null && wanted.contains(m.flowControl().key());
          });
    }
    return this;
  }

  Criteria<T> timeRange(ToLongFunction<T> time) {
    Long from = epochMillis(query, "fromDate");
    Long to = epochMillis(query, "toDate");
    if (from != null) {
      all.add(t -> time.applyAsLong(t) >= from);
    }
    if (to != null) {
      all.add(t -> time.applyAsLong(t) <= to);
    }
    return this;
  }

  Criteria<T> add(Predicate<T> p) {
    all.add(p);
    return this;
  }

  /** The common message filters: url, topicName, queueName, scheduleId, label, flow key, caller. */
  Criteria<T> common() {
    return exact("url", Message::url)
        .exactAny(Message::topicName, "topicName", "urlGroup")
        .exact("queueName", Message::queueName)
        .exact("scheduleId", Message::scheduleId)
        .exactAny(Message::callerIp, "callerIp", "callerIP")
        .label()
        .flowControlKey();
  }

  Predicate<T> build() {
    List<Predicate<T>> copy = List.copyOf(all);
    return t -> {
      for (Predicate<T> p : copy) {
        if (!p.test(t)) {
          return false;
        }
      }
      return true;
    };
  }

  boolean isEmpty() {
    return all.isEmpty();
  }

  static String hostOf(String url) {
    try {
      String h = URI.create(url).getHost();
      return h == null ? "" : h.toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  static String pathOf(String url) {
    try {
      String p = URI.create(url).getRawPath();
      return p == null ? "" : p;
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
