package dev.postbox.core.publish;

import dev.postbox.core.delivery.Durations;
import dev.postbox.core.delivery.RetryDelayExpression;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.Headers;
import dev.postbox.core.message.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the publish configuration headers (docs/api.md#publishing, #callbacks, #flow-control,
 * #redaction). Names are case-insensitive; an invalid value is a 400 that names the header.
 */
public final class PublishHeaders {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
  private static final String FORWARD = "upstash-forward-";
  private static final String CALLBACK = "upstash-callback";
  private static final String FAILURE_CALLBACK = "upstash-failure-callback";

  /** Never forwarded in {@code Upstash-Header-Forward} mode: auth, hop-by-hop, transport. */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "authorization",
          "host",
          "connection",
          "content-length",
          "transfer-encoding",
          "keep-alive",
          "upgrade",
          "expect",
          "te",
          "trailer");

  private PublishHeaders() {}

  /** Header values as single strings (e.g. batch entries' {@code headers} objects). */
  public static PublishOptions parseSingle(Map<String, String> headers, long now, PublishLimits l) {
    Map<String, List<String>> multi = new LinkedHashMap<>();
    headers.forEach((k, v) -> multi.put(k, v == null ? List.of() : List.of(v)));
    return parse(multi, now, l);
  }

  public static PublishOptions parse(
      Map<String, List<String>> rawHeaders, long now, PublishLimits limits) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    List<String[]> order = new ArrayList<>(); // (lower name, original name) in arrival order
    for (Map.Entry<String, List<String>> e : rawHeaders.entrySet()) {
      String lower = e.getKey().toLowerCase(Locale.ROOT);
      h.computeIfAbsent(lower, k -> new ArrayList<>()).addAll(e.getValue());
      order.add(new String[] {lower, e.getKey()});
    }

    String method = method(first(h, "upstash-method"), "Upstash-Method");
    long delay = 0;
    String delayValue = first(h, "upstash-delay");
    if (delayValue != null) {
      delay = Durations.parseMillis(delayValue, "Upstash-Delay");
      if (delay > limits.maxDelayMillis()) {
        throw new InvalidRequestException(
            "invalid Upstash-Delay: \""
                + delayValue
                + "\" is longer than the maximum of "
                + limits.maxDelayMillis() / 86_400_000L
                + " days");
      }
    }
    long notBefore = now + delay;
    String nb = first(h, "upstash-not-before");
    if (nb != null) {
      long seconds = parseLong(nb, "Upstash-Not-Before", "a Unix time in seconds");
      if (seconds < 0) {
        throw new InvalidRequestException("invalid Upstash-Not-Before: must not be negative");
      }
      if (seconds > (now + limits.maxDelayMillis()) / 1000) {
        throw new InvalidRequestException(
            "invalid Upstash-Not-Before: "
                + nb
                + " is further ahead than the maximum delay of "
                + limits.maxDelayMillis() / 86_400_000L
                + " days (it is in seconds, not milliseconds)");
      }
      notBefore = Math.max(now, seconds * 1000L);
    }
    int retries = retries(first(h, "upstash-retries"), "Upstash-Retries", limits);
    String retryDelay = expression(first(h, "upstash-retry-delay"), "Upstash-Retry-Delay");
    long timeout = timeout(first(h, "upstash-timeout"), "Upstash-Timeout", limits);

    Map<String, List<String>> forwarded = new LinkedHashMap<>();
    boolean forwardAll = bool(first(h, "upstash-header-forward"), "Upstash-Header-Forward");
    Map<String, List<String>> callbackHeaders = new LinkedHashMap<>();
    Map<String, List<String>> failureHeaders = new LinkedHashMap<>();
    Map<String, List<String>> workflowHeaders = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (String[] name : order) {
      String lower = name[0];
      if (!seen.add(lower)) {
        continue;
      }
      List<String> values = h.get(lower);
      if (lower.equals("content-type")) {
        forwarded.put("Content-Type", values);
      } else if (lower.startsWith(FORWARD) && lower.length() > FORWARD.length()) {
        addAll(forwarded, name[1].substring(FORWARD.length()), values);
      } else if (lower.startsWith("upstash-workflow-")) {
        addAll(workflowHeaders, name[1], values); // pass through (docs/api.md#publishing)
      } else if (lower.startsWith(CALLBACK + "-forward-")) {
        addAll(callbackHeaders, name[1].substring((CALLBACK + "-forward-").length()), values);
      } else if (lower.startsWith(FAILURE_CALLBACK + "-forward-")) {
        addAll(
            failureHeaders, name[1].substring((FAILURE_CALLBACK + "-forward-").length()), values);
      } else if (forwardAll
          && !lower.startsWith("upstash-")
          && !lower.startsWith("proxy-")
          && !NOT_FORWARDED.contains(lower)) {
        addAll(forwarded, name[1], values);
      }
    }

    // A forwarded header wins over a plain one of the same name: the workflow SDK sends both
    // Upstash-Workflow-Sdk-Version and Upstash-Forward-Upstash-Workflow-Sdk-Version, and a delivery
    // carrying the header twice is refused by the SDK ("Expected 1, got 1, 1").
    workflowHeaders.forEach(forwarded::putIfAbsent);

    CallbackSpec callback = callback(h, CALLBACK, "Upstash-Callback", callbackHeaders, limits);
    CallbackSpec failure =
        callback(h, FAILURE_CALLBACK, "Upstash-Failure-Callback", failureHeaders, limits);

    List<String> labels = new ArrayList<>();
    for (String v : h.getOrDefault("upstash-label", List.of())) {
      for (String part : v.split(",")) {
        String t = part.trim();
        if (!t.isEmpty()) {
          labels.add(t);
        }
      }
    }

    String queue = name(first(h, "upstash-queue-name"), "Upstash-Queue-Name");
    String scheduleId = name(first(h, "upstash-schedule-id"), "Upstash-Schedule-Id");
    String cron = first(h, "upstash-cron");
    String dedupId = first(h, "upstash-deduplication-id");
    if (dedupId != null && dedupId.isBlank()) {
      throw new InvalidRequestException("invalid Upstash-Deduplication-Id: must not be empty");
    }
    return new PublishOptions(
        method,
        notBefore,
        delay,
        retries,
        retryDelay,
        timeout,
        forwarded,
        callback,
        failure,
        labels,
        FlowControlHeader.parse(
            first(h, "upstash-flow-control-key"), first(h, "upstash-flow-control-value")),
        redaction(first(h, "upstash-redact-fields")),
        dedupId,
        bool(
            first(h, "upstash-content-based-deduplication"), "Upstash-Content-Based-Deduplication"),
        queue,
        cron == null ? null : cron.trim(),
        scheduleId);
  }

  private static CallbackSpec callback(
      Map<String, List<String>> h,
      String prefix,
      String display,
      Map<String, List<String>> headers,
      PublishLimits limits) {
    String url = first(h, prefix);
    if (url == null) {
      return null;
    }
    requireHttpUrl(url.trim(), display);
    limits.destinations().check(url.trim(), display + " URL");
    String retries = first(h, prefix + "-retries");
    String delay = first(h, prefix + "-delay");
    return new CallbackSpec(
        url.trim(),
        method(first(h, prefix + "-method"), display + "-Method"),
        timeout(first(h, prefix + "-timeout"), display + "-Timeout", limits),
        retries == null ? null : retries(retries, display + "-Retries", limits),
        expression(first(h, prefix + "-retry-delay"), display + "-Retry-Delay"),
        delay == null ? 0 : Durations.parseMillis(delay, display + "-Delay"),
        headers);
  }

  /** An absolute http(s) URL, or a 400 naming the header. */
  public static String requireHttpUrl(String url, String header) {
    try {
      URI u = new URI(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
        return url;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new InvalidRequestException(
        "invalid " + header + ": \"" + url + "\" is not an absolute http(s) URL (callback URL)");
  }

  static Redaction redaction(String value) {
    if (value == null || value.isBlank()) {
      return Redaction.NONE;
    }
    boolean body = false;
    boolean all = false;
    Set<String> names = new HashSet<>();
    for (String part : value.split(",")) {
      String p = part.trim();
      String lower = p.toLowerCase(Locale.ROOT);
      if (p.isEmpty()) {
        continue;
      } else if (lower.equals("body")) {
        body = true;
      } else if (lower.equals("header") || lower.equals("headers")) {
        all = true;
      } else if ((lower.startsWith("header[") || lower.startsWith("headers[")) && p.endsWith("]")) {
        String name = p.substring(p.indexOf('[') + 1, p.length() - 1).trim();
        if (name.isEmpty()) {
          throw new InvalidRequestException("invalid Upstash-Redact-Fields: empty header name");
        }
        names.add(Headers.canonical(name));
      } else {
        throw new InvalidRequestException(
            "invalid Upstash-Redact-Fields: \"" + p + "\" (expected body, header or header[Name])");
      }
    }
    return new Redaction(body, all, names);
  }

  private static void addAll(Map<String, List<String>> into, String name, List<String> values) {
    into.computeIfAbsent(Headers.canonical(name), k -> new ArrayList<>()).addAll(values);
  }

  /** The first value of a header; a blank value counts as absent. */
  private static String first(Map<String, List<String>> h, String lowerName) {
    List<String> v = h.get(lowerName);
    return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0);
  }

  private static String method(String v, String header) {
    if (v == null) {
      return "POST";
    }
    String m = v.trim().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(m)) {
      throw new InvalidRequestException(
          "invalid " + header + ": \"" + v + "\" (expected GET, POST, PUT, PATCH or DELETE)");
    }
    return m;
  }

  private static int retries(String v, String header, PublishLimits limits) {
    if (v == null) {
      return limits.defaultRetries();
    }
    long n = parseLong(v, header, "an integer");
    if (n < 0 || n > limits.maxRetries()) {
      throw new InvalidRequestException(
          "invalid " + header + ": must be between 0 and " + limits.maxRetries());
    }
    return (int) n;
  }

  private static long timeout(String v, String header, PublishLimits limits) {
    if (v == null) {
      return 0;
    }
    long ms = Durations.parseMillis(v, header);
    if (ms <= 0) {
      throw new InvalidRequestException("invalid " + header + ": must be positive");
    }
    return Math.min(ms, limits.maxTimeoutMillis());
  }

  private static String expression(String v, String header) {
    if (v == null) {
      return null;
    }
    try {
      return RetryDelayExpression.parse(v).source();
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException(e.getMessage().replace("Upstash-Retry-Delay", header));
    }
  }

  private static boolean bool(String v, String header) {
    if (v == null) {
      return false;
    }
    String t = v.trim().toLowerCase(Locale.ROOT);
    if (t.equals("true")) {
      return true;
    }
    if (t.equals("false")) {
      return false;
    }
    throw new InvalidRequestException(
        "invalid " + header + ": \"" + v + "\" (expected true or false)");
  }

  private static String name(String v, String header) {
    if (v == null) {
      return null;
    }
    String t = v.trim();
    if (!NAME.matcher(t).matches()) {
      throw new InvalidRequestException(
          "invalid " + header + ": \"" + v + "\" (allowed characters: A-Z a-z 0-9 . _ -)");
    }
    return t;
  }

  static long parseLong(String v, String header, String expected) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(
          "invalid " + header + ": \"" + v + "\" (expected " + expected + ")");
    }
  }
}
