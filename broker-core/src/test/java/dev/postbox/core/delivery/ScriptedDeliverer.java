package dev.postbox.core.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A deliverer for unit tests: records requests and answers from a per-URL script (200 when the
 * script is empty), synchronously; or holds them when told to, so tests can see in-flight limits.
 */
final class ScriptedDeliverer implements Deliverer {
  final List<DeliveryRequest> requests = new ArrayList<>();
  final List<CompletableFuture<DeliveryResponse>> held = new ArrayList<>();
  private final Map<String, Deque<DeliveryResponse>> script = new HashMap<>();
  boolean hold;
  volatile long lagNanos;

  @Override
  public long lagNanos() {
    return lagNanos;
  }

  ScriptedDeliverer answer(String url, DeliveryResponse... responses) {
    script.computeIfAbsent(url, u -> new ArrayDeque<>()).addAll(List.of(responses));
    return this;
  }

  static DeliveryResponse status(int s) {
    return new DeliveryResponse(s, Map.of(), ("status " + s).getBytes(), null);
  }

  @Override
  public synchronized CompletableFuture<DeliveryResponse> deliver(DeliveryRequest request) {
    requests.add(request);
    if (hold) {
      CompletableFuture<DeliveryResponse> f = new CompletableFuture<>();
      held.add(f);
      return f;
    }
    Deque<DeliveryResponse> q = script.get(request.url());
    DeliveryResponse r = q == null || q.isEmpty() ? status(200) : q.poll();
    return CompletableFuture.completedFuture(r);
  }

  List<String> urls() {
    List<String> out = new ArrayList<>();
    requests.forEach(r -> out.add(r.url()));
    return out;
  }
}
