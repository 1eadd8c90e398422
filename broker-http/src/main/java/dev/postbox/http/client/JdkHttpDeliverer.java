package dev.postbox.http.client;

import dev.postbox.core.delivery.Deliverer;
import dev.postbox.core.delivery.DeliveryRequest;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.message.Headers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers with the JDK's non-blocking {@link HttpClient} (HTTP/1.1, pooled keep-alive connections,
 * redirects followed like Go's default client). Response bodies are kept up to a limit and the rest
 * is discarded. Thread-safe.
 */
public final class JdkHttpDeliverer implements Deliverer {

  private final ExecutorService executor;
  private final HttpClient client;
  private final int maxResponseBytes;

  public JdkHttpDeliverer(int maxResponseBytes) {
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            r -> {
              Thread t = new Thread(r, "postbox-delivery-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(executor)
            .build();
    this.maxResponseBytes = maxResponseBytes;
  }

  @Override
  public CompletableFuture<DeliveryResponse> deliver(DeliveryRequest request) {
    HttpRequest httpRequest;
    try {
      httpRequest = toHttpRequest(request);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          DeliveryResponse.transportFailure("invalid request: " + e.getMessage()));
    }
    long timeout = request.timeoutMillis();
    return client
        .sendAsync(httpRequest, info -> new LimitedBody(maxResponseBytes))
        .orTimeout(timeout + 1000, TimeUnit.MILLISECONDS)
        .handle(
            (res, err) ->
                err == null
                    ? toDeliveryResponse(res)
                    : DeliveryResponse.transportFailure(describe(err, timeout)));
  }

  private static HttpRequest toHttpRequest(DeliveryRequest r) {
    HttpRequest.BodyPublisher body =
        r.body().length == 0
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(r.body());
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(r.url()))
            .method(r.method(), body)
            .timeout(Duration.ofMillis(Math.max(1, r.timeoutMillis())));
    for (Map.Entry<String, List<String>> h : r.headers().entrySet()) {
      if (OutboundHeaders.isRestricted(h.getKey())) {
        continue;
      }
      for (String v : h.getValue()) {
        try {
          b.header(h.getKey(), v);
        } catch (IllegalArgumentException invalidHeader) {
          // A header the JDK refuses (bad name/value) is dropped rather than failing the message.
        }
      }
    }
    return b.build();
  }

  private static DeliveryResponse toDeliveryResponse(HttpResponse<byte[]> res) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    res.headers()
        .map()
        .forEach(
            (k, v) -> {
              if (!k.startsWith(":")) {
                headers.put(Headers.canonical(k), v);
              }
            });
    return new DeliveryResponse(res.statusCode(), headers, res.body(), null);
  }

  private static String describe(Throwable err, long timeout) {
    Throwable t = err;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
      return "request timed out after " + timeout + "ms";
    }
    String msg = t.getMessage();
    return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** Collects up to {@code max} bytes of a response body and discards the rest. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private byte[] buf = new byte[0];
    private int len;

    LimitedBody(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer bb : items) {
        int take = Math.min(bb.remaining(), max - len);
        if (take > 0) {
          if (len + take > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + take, Math.min(max, buf.length * 2)));
          }
          bb.get(buf, len, take);
          len += take;
        }
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(len == buf.length ? buf : Arrays.copyOf(buf, len));
    }
  }
}
