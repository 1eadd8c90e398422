package com.example.broker.http.api;

import com.example.broker.core.publish.PublishHeaders;
import com.example.broker.core.publish.PublishLimits;
import com.example.broker.core.publish.PublishOptions;
import com.example.broker.core.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A publish-like request (publish, schedule create) taken apart: the destination URL from the raw
 * path, the headers with any {@code upstash-*} query parameters (§16.3), and the validated options.
 *
 * @param url destination URL
 * @param headers request headers plus query-string configuration
 * @param options the parsed publish headers
 * @param now when the request was taken, epoch ms
 */
record PublishRequest(
    String url, Map<String, List<String>> headers, PublishOptions options, long now) {

  static PublishRequest parse(Call call, PublishLimits limits, Clock clock) {
    Destination d = Destination.parse(call.rest(), call.request().rawQuery());
    if (d.url() == null) {
      throw d.unknownGroup();
    }
    long now = clock.millis();
    Map<String, List<String>> headers = call.request().headers();
    if (!d.queryConfig().isEmpty()) {
      headers = new LinkedHashMap<>(headers);
      d.queryConfig().forEach(headers::putIfAbsent);
    }
    return new PublishRequest(d.url(), headers, PublishHeaders.parse(headers, now, limits), now);
  }
}
