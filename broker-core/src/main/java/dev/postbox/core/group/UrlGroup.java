package dev.postbox.core.group;

import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * A named set of endpoints (docs/api.md#url-groups): publishing to the name fans out one message
 * per endpoint.
 *
 * @param tenant owning tenant id
 * @param name group name ({@code [A-Za-z0-9._-]+})
 * @param createdAt creation time, epoch ms
 * @param updatedAt last change, epoch ms
 * @param endpoints the endpoints in the order they were added
 */
public record UrlGroup(
    String tenant, String name, long createdAt, long updatedAt, List<Endpoint> endpoints) {
  public UrlGroup {
    endpoints = List.copyOf(endpoints);
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
