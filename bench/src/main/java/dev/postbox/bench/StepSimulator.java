package dev.postbox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.delivery.DeliveryRequest;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.http.client.NettyHttpDeliverer;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.FullHttpRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A receiver that speaks the workflow SDK's side of the protocol, the way {@code @upstash/workflow}
 * does for {@code context.run} steps, without running a step's code: a delivery to {@code /wf}
 * carries the run's history, and the receiver publishes the next step with the SDK's headers (a
 * batch of one, as the SDK does), or ends the run with {@code DELETE /v2/workflows/runs/{id}} once
 * {@code steps} steps are done. Its twin {@code /plain} does the same with plain messages (each
 * delivery publishes the next hop of a chain), the baseline of the workflow figures.
 *
 * <p>Like the SDK, it answers a delivery only once its publish of the next step (or its {@code
 * DELETE}) has been answered; unlike the JDK server it first ran on, it holds no thread meanwhile:
 * a Netty receiver ({@link AsyncReceiver}, the same kind as {@link HttpSink}) and the pooled
 * non-blocking Netty client of broker-http. {@code /ack} reads a delivery and answers at once,
 * publishing nothing: the receiver's own ceiling.
 */
final class StepSimulator implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FEATURES =
      "LazyFetch,InitialBody,WF_DetectTrigger,WF_TriggerOnConfig";
  private static final long TIMEOUT_MILLIS = 60_000;

  private final AsyncReceiver receiver;
  private final NettyHttpDeliverer client = new NettyHttpDeliverer(1 << 16);
  private final String broker;
  private final String token;
  private final int steps;
  private final ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<Long> stepNanos = new ConcurrentLinkedQueue<>();

  /**
   * How long the broker took to answer the publish (or {@code DELETE}) a delivery waits for: the
   * time Postbox holds that delivery in flight, beyond the receiver's own work.
   */
  final ConcurrentLinkedQueue<Long> publishNanos = new ConcurrentLinkedQueue<>();

  final AtomicInteger finished = new AtomicInteger();
  final AtomicLong deliveries = new AtomicLong();
  final AtomicLong failures = new AtomicLong();

  /**
   * Called with the number of steps a delivery's history holds (the long-run sampler), on the
   * receiver's event loop: it may block it while a single run is in flight, not under load.
   */
  volatile IntConsumer onHistory = n -> {};

  StepSimulator(String broker, String token, int steps) throws InterruptedException {
    this.broker = broker;
    this.token = token;
    this.steps = steps;
    receiver = new AsyncReceiver();
    receiver.route("/wf", Map.of("Upstash-Workflow-Sdk-Version", "1"), this::workflowStep);
    receiver.route("/plain", Map.of(), this::plainHop);
    receiver.route(
        "/ack",
        Map.of("Upstash-Workflow-Sdk-Version", "1"),
        req -> {
          deliveries.incrementAndGet();
          CompletableFuture<Void> read;
          try {
            historySize(req);
            read = CompletableFuture.completedFuture(null);
          } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
          }
          return answer(read);
        });
  }

  String url(String path) {
    return receiver.url(path);
  }

  /** Starts a run: the trigger, as the SDK's {@code Client.trigger} publishes it. */
  CompletableFuture<Void> trigger(String runId) {
    ObjectNode headers = runHeaders(runId, true);
    return post("/v2/batch", batchOfOne(url("/wf"), headers, "{\"input\":1}"));
  }

  /** Starts a chain of plain messages. */
  CompletableFuture<Void> startChain(String chainId) {
    return publishHop(chainId, 0);
  }

  private CompletableFuture<Integer> workflowStep(FullHttpRequest req) {
    deliveries.incrementAndGet();
    CompletableFuture<Void> next;
    try {
      String runId = req.headers().get("Upstash-Workflow-RunId");
      int done = historySize(req) - 1; // entry 0 is the initial payload
      arrived(runId);
      onHistory.accept(done);
      if (done < steps) {
        String step =
            "{\"stepId\":"
                + (done + 1)
                + ",\"stepName\":\"step"
                + (done + 1)
                + "\",\"stepType\":\"Run\",\"out\":\"\\\"result of step "
                + (done + 1)
                + "\\\"\",\"concurrent\":1}";
        sentAt.put(runId, System.nanoTime());
        String batch = batchOfOne(url("/wf"), runHeaders(runId, false), step);
        next = timed(() -> post("/v2/batch", batch));
      } else {
        String end = "/v2/workflows/runs/" + runId + "?cancel=false";
        next =
            timed(() -> send("DELETE", end, Map.of(), "\"done\""))
                .thenRun(finished::incrementAndGet);
      }
    } catch (RuntimeException e) {
      next = CompletableFuture.failedFuture(e);
    }
    return answer(next);
  }

  private CompletableFuture<Integer> plainHop(FullHttpRequest req) {
    deliveries.incrementAndGet();
    CompletableFuture<Void> next;
    try {
      String chain = req.headers().get("X-Chain");
      int hop = Integer.parseInt(req.headers().get("X-Hop"));
      arrived(chain);
      if (hop < steps) {
        next = timed(() -> publishHop(chain, hop + 1));
      } else {
        finished.incrementAndGet();
        return CompletableFuture.completedFuture(200); // the chain's end publishes nothing
      }
    } catch (RuntimeException e) {
      next = CompletableFuture.failedFuture(e);
    }
    return answer(next);
  }

  /** {@code call}, its time to success added to {@link #publishNanos}. */
  private CompletableFuture<Void> timed(Supplier<CompletableFuture<Void>> call) {
    long t0 = System.nanoTime();
    return call.get().thenRun(() -> publishNanos.add(System.nanoTime() - t0));
  }

  /** 200 once {@code next} succeeded, 500 (and a failure counted) when it failed. */
  private CompletableFuture<Integer> answer(CompletableFuture<Void> next) {
    return next.handle(
        (v, e) -> {
          if (e == null) {
            return 200;
          }
          failures.incrementAndGet();
          return 500;
        });
  }

  /** Entries of the JSON array a delivery carries. */
  private int historySize(FullHttpRequest req) {
    try (InputStream in = new ByteBufInputStream(req.content().duplicate())) {
      JsonNode history = JSON.readTree(in);
      return history.size();
    } catch (IOException e) {
      throw new IllegalStateException("unreadable history", e);
    }
  }

  private void arrived(String id) {
    Long t = id == null ? null : sentAt.remove(id);
    if (t != null) {
      stepNanos.add(System.nanoTime() - t);
    }
  }

  private CompletableFuture<Void> publishHop(String chain, int hop) {
    if (hop > 0) {
      sentAt.put(chain, System.nanoTime());
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Upstash-Forward-X-Chain", chain);
    headers.put("Upstash-Forward-X-Hop", Integer.toString(hop));
    return send(
        "POST",
        "/v2/publish/" + url("/plain"),
        headers,
        "{\"stepId\":"
            + hop
            + ",\"stepName\":\"hop\",\"stepType\":\"Run\",\"out\":\"\\\"result\\\"\"}");
  }

  private static ObjectNode runHeaders(String runId, boolean init) {
    ObjectNode h = JSON.createObjectNode();
    h.put("Content-Type", "application/json");
    h.put("Upstash-Workflow-RunId", runId);
    h.put("Upstash-Workflow-Init", Boolean.toString(init));
    h.put("Upstash-Workflow-Url", "bench");
    h.put("Upstash-Feature-Set", FEATURES);
    h.put("Upstash-Workflow-Sdk-Version", "1");
    h.put("Upstash-Forward-Upstash-Workflow-Sdk-Version", "1");
    return h;
  }

  private static String batchOfOne(String destination, ObjectNode headers, String body) {
    ArrayNode batch = JSON.createArrayNode();
    ObjectNode m = batch.addObject();
    m.put("destination", destination);
    m.set("headers", headers);
    m.put("body", body);
    try {
      return JSON.writeValueAsString(batch);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private CompletableFuture<Void> post(String path, String json) {
    return send("POST", path, Map.of("Content-Type", "application/json"), json);
  }

  /** A request to the broker; fails unless it is answered 200 or 201. */
  private CompletableFuture<Void> send(
      String method, String path, Map<String, String> headers, String body) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    h.put("Authorization", List.of("Bearer " + token));
    String url = broker + path;
    return client
        .deliver(
            new DeliveryRequest(
                method, url, h, body.getBytes(StandardCharsets.UTF_8), TIMEOUT_MILLIS))
        .thenAccept(r -> check(method + " " + url, r));
  }

  private static void check(String request, DeliveryResponse r) {
    if (r.status() != 200 && r.status() != 201) {
      String why = r.status() == 0 ? r.error() : new String(r.body(), StandardCharsets.UTF_8);
      throw new CompletionException(
          new IOException(request + " answered " + r.status() + ": " + why));
    }
  }

  /** Step-to-step latencies so far, ms, and clears them. */
  List<Double> drainLatenciesMillis() {
    return drainMillis(stepNanos);
  }

  /** The {@link #publishNanos} so far, ms, and clears them. */
  List<Double> drainPublishMillis() {
    return drainMillis(publishNanos);
  }

  private static List<Double> drainMillis(ConcurrentLinkedQueue<Long> nanos) {
    List<Double> out = new ArrayList<>();
    Long t;
    while ((t = nanos.poll()) != null) {
      out.add(t / 1e6);
    }
    return out;
  }

  @Override
  public void close() {
    receiver.close();
    client.close();
  }
}
