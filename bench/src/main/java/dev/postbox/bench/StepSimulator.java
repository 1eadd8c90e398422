package dev.postbox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * A receiver that speaks the workflow SDK's side of the protocol, the way {@code @upstash/workflow}
 * does for {@code context.run} steps, without running a step's code: a delivery to {@code /wf}
 * carries the run's history, and the receiver publishes the next step with the SDK's headers (a
 * batch of one, as the SDK does), or ends the run with {@code DELETE /v2/workflows/runs/{id}} once
 * {@code steps} steps are done. Its twin {@code /plain} does the same with plain messages (each
 * delivery publishes the next hop of a chain), the baseline of the workflow figures.
 */
final class StepSimulator implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FEATURES =
      "LazyFetch,InitialBody,WF_DetectTrigger,WF_TriggerOnConfig";

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(128);
  // Its own threads: handlers block on it, so sharing theirs could starve it.
  private final ExecutorService clientPool = Executors.newFixedThreadPool(8);
  private final HttpClient client = HttpClient.newBuilder().executor(clientPool).build();
  private final String broker;
  private final String token;
  private final int steps;
  private final ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<Long> stepNanos = new ConcurrentLinkedQueue<>();
  final AtomicInteger finished = new AtomicInteger();
  final AtomicLong deliveries = new AtomicLong();
  final AtomicLong failures = new AtomicLong();

  /** Called with the number of steps a delivery's history holds (the long-run sampler). */
  volatile IntConsumer onHistory = n -> {};

  StepSimulator(String broker, String token, int steps) throws IOException {
    this.broker = broker;
    this.token = token;
    this.steps = steps;
    // Without it the JDK's server waits on Nagle's algorithm: ~40 ms per response on loopback.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    server.setExecutor(pool);
    server.createContext("/wf", this::workflowStep);
    server.createContext("/plain", this::plainHop);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Starts a run: the trigger, as the SDK's {@code Client.trigger} publishes it. */
  void trigger(String runId) throws IOException, InterruptedException {
    ObjectNode headers = runHeaders(runId, true);
    post("/v2/batch", batchOfOne(url("/wf"), headers, "{\"input\":1}"));
  }

  /** Starts a chain of plain messages. */
  void startChain(String chainId) throws IOException, InterruptedException {
    publishHop(chainId, 0);
  }

  private void workflowStep(HttpExchange ex) throws IOException {
    int status = 200;
    try {
      deliveries.incrementAndGet();
      String runId = ex.getRequestHeaders().getFirst("Upstash-Workflow-RunId");
      int done;
      try (InputStream in = ex.getRequestBody()) {
        JsonNode history = JSON.readTree(in);
        done = history.size() - 1; // entry 0 is the initial payload
      }
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
        post("/v2/batch", batchOfOne(url("/wf"), runHeaders(runId, false), step));
      } else {
        send(
            HttpRequest.newBuilder(
                    URI.create(broker + "/v2/workflows/runs/" + runId + "?cancel=false"))
                .method("DELETE", HttpRequest.BodyPublishers.ofString("\"done\"")));
        finished.incrementAndGet();
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      failures.incrementAndGet();
      status = 500;
    }
    ex.getResponseHeaders().add("Upstash-Workflow-Sdk-Version", "1");
    ex.sendResponseHeaders(status, -1);
    ex.close();
  }

  private void plainHop(HttpExchange ex) throws IOException {
    int status = 200;
    try {
      deliveries.incrementAndGet();
      ex.getRequestBody().readAllBytes();
      String chain = ex.getRequestHeaders().getFirst("X-Chain");
      int hop = Integer.parseInt(ex.getRequestHeaders().getFirst("X-Hop"));
      arrived(chain);
      if (hop < steps) {
        publishHop(chain, hop + 1);
      } else {
        finished.incrementAndGet();
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      failures.incrementAndGet();
      status = 500;
    }
    ex.sendResponseHeaders(status, -1);
    ex.close();
  }

  private void arrived(String id) {
    Long t = id == null ? null : sentAt.remove(id);
    if (t != null) {
      stepNanos.add(System.nanoTime() - t);
    }
  }

  private void publishHop(String chain, int hop) throws IOException, InterruptedException {
    if (hop > 0) {
      sentAt.put(chain, System.nanoTime());
    }
    send(
        HttpRequest.newBuilder(URI.create(broker + "/v2/publish/" + url("/plain")))
            .header("Content-Type", "application/json")
            .header("Upstash-Forward-X-Chain", chain)
            .header("Upstash-Forward-X-Hop", Integer.toString(hop))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"stepId\":"
                        + hop
                        + ",\"stepName\":\"hop\",\"stepType\":\"Run\",\"out\":\"\\\"result\\\"\"}")));
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

  private static String batchOfOne(String destination, ObjectNode headers, String body)
      throws IOException {
    ArrayNode batch = JSON.createArrayNode();
    ObjectNode m = batch.addObject();
    m.put("destination", destination);
    m.set("headers", headers);
    m.put("body", body);
    return JSON.writeValueAsString(batch);
  }

  private void post(String path, String json) throws IOException, InterruptedException {
    send(
        HttpRequest.newBuilder(URI.create(broker + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private void send(HttpRequest.Builder b) throws IOException, InterruptedException {
    HttpResponse<String> r =
        client.send(
            b.header("Authorization", "Bearer " + token).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200 && r.statusCode() != 201) {
      throw new IOException(r.uri() + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  /** Step-to-step latencies so far, ms, and clears them. */
  List<Double> drainLatenciesMillis() {
    List<Double> out = new ArrayList<>();
    Long t;
    while ((t = stepNanos.poll()) != null) {
      out.add(t / 1e6);
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    clientPool.shutdownNow();
  }
}
