package dev.postbox.http.api;

import dev.postbox.core.message.Message;
import dev.postbox.core.publish.DefaultHeaders;
import dev.postbox.core.publish.MessageFactory;
import dev.postbox.core.publish.PublishHeaders;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.publish.PublishOptions;
import dev.postbox.core.time.Clock;
import dev.postbox.core.workflow.StepLimits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A publish-like request (publish, schedule create) taken apart: the destination URL from the raw
 * path, the headers with any {@code upstash-*} query parameters (docs/api.md#publishing) and, for a
 * URL group, the group's default headers the request does not carry itself
 * (docs/api.md#url-groups), and the validated options.
 *
 * @param url destination URL, or null when the destination is a URL group
 * @param urlGroup the URL-group name, or null
 * @param headers request headers plus query-string configuration plus group defaults
 * @param options the parsed publish headers
 * @param now when the request was taken, epoch ms
 */
record PublishRequest(
    String url,
    String urlGroup,
    Map<String, List<String>> headers,
    PublishOptions options,
    long now) {

  static PublishRequest parse(
      Call call,
      Function<String, Map<String, List<String>>> groupDefaults,
      PublishLimits limits,
      Clock clock) {
    return of(
        call.rest(),
        call.request().rawQuery(),
        call.request().headers(),
        groupDefaults,
        limits,
        clock.millis());
  }

  /**
   * @param rawDestination the destination as in a request path (undecoded)
   * @param rawQuery its query string ("" when none)
   * @param requestHeaders header values by name
   * @param groupDefaults the default headers of a URL group by its name (empty when none)
   */
  static PublishRequest of(
      String rawDestination,
      String rawQuery,
      Map<String, List<String>> requestHeaders,
      Function<String, Map<String, List<String>>> groupDefaults,
      PublishLimits limits,
      long now) {
    Destination d = Destination.parse(rawDestination, rawQuery);
    limits.destinations().check(d.url(), "destination");
    Map<String, List<String>> headers = requestHeaders;
    if (!d.queryConfig().isEmpty()) {
      headers = new LinkedHashMap<>(headers);
      d.queryConfig().forEach(headers::putIfAbsent);
    }
    if (d.urlGroup() != null) {
      headers = DefaultHeaders.fill(headers, groupDefaults.apply(d.urlGroup()));
    } else {
      StepLimits.check(headers, limits.maxRetries()); // 412 for a workflow run's message
    }
    return new PublishRequest(
        d.url(), d.urlGroup(), headers, PublishHeaders.parse(headers, now, limits), now);
  }

  /** The destination as given: the URL, or the URL-group name. */
  String destination() {
    return url != null ? url : urlGroup;
  }

  /**
   * The message this request describes, before any fan-out. For a URL group its url is the group
   * name and {@code topicName} is set; {@link dev.postbox.core.group.UrlGroup#fanOut} gives the
   * per-endpoint messages.
   */
  Message template(Call call) {
    return template(call, call.request().body());
  }

  /** Like {@link #template(Call)} with another body (a batch entry's). */
  Message template(Call call, byte[] body) {
    Message m =
        MessageFactory.create(
            call.tenant().id(), destination(), body, options, call.request().remoteIp(), now);
    return urlGroup == null ? m : m.toBuilder().withTopicName(urlGroup).build();
  }
}
