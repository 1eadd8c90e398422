package dev.postbox.core.delivery;

import dev.postbox.core.keys.KeyService;
import dev.postbox.core.message.Message;
import dev.postbox.core.signing.RequestSigner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the request for one attempt (docs/api.md#delivery): forwarded headers plus a freshly
 * signed token.
 */
public final class OutgoingRequests {
  private final RequestSigner signer;
  private final KeyService keys;
  private final long defaultTimeoutMillis;
  private final DeliveryHook hook;

  public OutgoingRequests(RequestSigner signer, KeyService keys, long defaultTimeoutMillis) {
    this(signer, keys, defaultTimeoutMillis, DeliveryHook.NONE);
  }

  /** With a hook that may reshape each message before it is signed (see {@link DeliveryHook}). */
  public OutgoingRequests(
      RequestSigner signer, KeyService keys, long defaultTimeoutMillis, DeliveryHook hook) {
    this.signer = signer;
    this.keys = keys;
    this.defaultTimeoutMillis = defaultTimeoutMillis;
    this.hook = hook;
  }

  /** Called on the dispatch or send threads (the hook may read the store). */
  public DeliveryRequest build(Message stored, long nowMillis) {
    Message m = hook.beforeSend(stored);
    Map<String, List<String>> headers = new LinkedHashMap<>(m.headers());
    headers.put("User-Agent", List.of("Upstash-QStash"));
    headers.put("Upstash-Message-Id", List.of(m.id()));
    headers.put("Upstash-Retried", List.of(Integer.toString(m.retried())));
    if (m.scheduleId() != null) {
      headers.put("Upstash-Schedule-Id", List.of(m.scheduleId()));
    }
    if (m.topicName() != null) {
      headers.put("Upstash-Topic-Name", List.of(m.topicName()));
    }
    if (m.callerIp() != null) {
      headers.put("Upstash-Caller-Ip", List.of(m.callerIp()));
    }
    String token = signer.sign(keys.currentKey(m.tenant()), m.url(), m.body(), nowMillis / 1000);
    headers.put("Upstash-Signature", List.of(token));
    long timeout =
        m.timeoutMillis() > 0
            ? Math.min(m.timeoutMillis(), defaultTimeoutMillis)
            : defaultTimeoutMillis;
    return new DeliveryRequest(m.method(), m.url(), headers, m.body(), timeout);
  }
}
