package dev.postbox.core.group;

import dev.postbox.core.message.Headers;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A named set of endpoints (docs/api.md#url-groups): publishing to the name fans out one message
 * per endpoint.
 *
 * @param tenant owning tenant id
 * @param name group name ({@code [A-Za-z0-9._-]+})
 * @param createdAt creation time, epoch ms
 * @param updatedAt last change, epoch ms
 * @param endpoints the endpoints in the order they were added
 * @param defaultHeaders publish headers applied to every publish to the group that does not carry
 *     them itself, names as given, in the order given; empty when none
 */
public record UrlGroup(
    String tenant,
    String name,
    long createdAt,
    long updatedAt,
    List<Endpoint> endpoints,
    Map<String, List<String>> defaultHeaders) {
  public UrlGroup {
    endpoints = List.copyOf(endpoints);
    defaultHeaders = Headers.copyOf(defaultHeaders);
  }

  /** A group without default headers. */
  public UrlGroup(
      String tenant, String name, long createdAt, long updatedAt, List<Endpoint> endpoints) {
    this(tenant, name, createdAt, updatedAt, endpoints, Map.of());
  }

  /** This group with other endpoints (its default headers stay), changed at {@code now}. */
  UrlGroup withEndpoints(List<Endpoint> list, long now) {
    return new UrlGroup(tenant, name, createdAt, now, list, defaultHeaders);
  }

  /** This group with other default headers (empty clears them), changed at {@code now}. */
  UrlGroup withDefaultHeaders(Map<String, List<String>> headers, long now) {
    return new UrlGroup(tenant, name, createdAt, now, endpoints, headers);
  }

  /**
   * One independent message per endpoint, each with its own id, the endpoint's URL, and {@code
   * topicName} / {@code endpointName}; everything else comes from {@code template}.
   */
  public List<Message> fanOut(Message template) {
    List<Message> out = new ArrayList<>(endpoints.size());
    for (Endpoint e : endpoints) {
      out.add(
          template.toBuilder()
              .withId(Ids.messageId())
              .withUrl(e.url())
              .withTopicName(name)
              .withEndpointName(e.name())
              .build());
    }
    return out;
  }
}
