package dev.postbox.junit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postbox.app.Broker;
import dev.postbox.app.BrokerConfig;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A Postbox running in this JVM in test mode (docs/testing.md), as {@link PostboxExtension} hands
 * it to tests: where it listens, the token and signing keys an app needs, and the test endpoints
 * (advance the clock, list and await deliveries, flush, reset) as methods. Thread-safe.
 */
public final class Postbox implements AutoCloseable {
  /** How long {@link #awaitDelivery(String)} waits. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long POLL_MILLIS = 20;

  private final Broker broker;
  private final Path dataDir;
  private final String url;
  private final String token;
  private final SigningKeys keys;
  private final HttpClient http = HttpClient.newBuilder().build();

  private Postbox(Broker broker, Path dataDir) {
    this.broker = broker;
    this.dataDir = dataDir;
    this.url = "http://127.0.0.1:" + broker.port();
    Tenant t = broker.defaultTenant();
    this.token = t.token();
    this.keys = broker.signingKeys(t);
  }

  /**
   * Starts a server on a free port of 127.0.0.1 with a new temporary data directory, in dev mode
   * (the official dev server's users) and test mode. The environment's {@code POSTBOX_*} settings
   * are not read.
   */
  public static Postbox start() {
    Path dir;
    try {
      dir = Files.createTempDirectory("postbox-junit");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a data directory", e);
    }
    BrokerConfig config =
        BrokerConfig.parse(
            new String[] {"--port", "0", "--data-dir", dir.toString(), "--test-mode"}, Map.of());
    try {
      return new Postbox(Broker.start(config), dir);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting Postbox", e);
    }
  }

  /** The base URL, as {@code QSTASH_URL}: {@code http://127.0.0.1:<port>}. */
  public String url() {
    return url;
  }

  /** The default dev user's token, as {@code QSTASH_TOKEN}. */
  public String token() {
    return token;
  }

  /** As {@code QSTASH_CURRENT_SIGNING_KEY}: deliveries are signed with it. */
  public String currentSigningKey() {
    return keys.current();
  }

  /** As {@code QSTASH_NEXT_SIGNING_KEY}. */
  public String nextSigningKey() {
    return keys.next();
  }

  /** The environment an app under test needs: {@code QSTASH_URL}, the token and both keys. */
  public Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("QSTASH_URL", url);
    env.put("QSTASH_TOKEN", token);
    env.put("QSTASH_CURRENT_SIGNING_KEY", keys.current());
    env.put("QSTASH_NEXT_SIGNING_KEY", keys.next());
    return env;
  }

  /** The server's clock (epoch ms). */
  public long now() {
    return call("GET", "/test/clock", null, 200).get("now").asLong();
  }

  /**
   * Moves the server's clock forward by {@code by}; what falls due meanwhile is delivered in due
   * order before this returns (see docs/testing.md). Returns the server's time after it.
   */
  public long advance(Duration by) {
    String body = "{\"by\":\"" + by.toMillis() + "ms\"}";
    return call("POST", "/test/clock/advance", body, 200).get("now").asLong();
  }

  /** Waits until nothing is due now or in flight; returns what was delivered since last time. */
  public List<Delivery> flush() {
    return deliveries(call("POST", "/test/flush", null, 200));
  }

  /** Every recorded delivery attempt, oldest first. */
  public List<Delivery> deliveries() {
    return deliveries(call("GET", "/test/deliveries", null, 200));
  }

  /** The recorded delivery attempts to {@code url}, oldest first. */
  public List<Delivery> deliveries(String url) {
    String q = "?url=" + URLEncoder.encode(url, StandardCharsets.UTF_8);
    return deliveries(call("GET", "/test/deliveries" + q, null, 200));
  }

  /** Forgets the recorded delivery attempts. */
  public void clearDeliveries() {
    call("DELETE", "/test/deliveries", null, 204);
  }

  /** Empties the tenant: messages, DLQ, logs, schedules, queues, URL groups, flow keys, record. */
  public void reset() {
    call("POST", "/test/reset", null, 200);
  }

  /** The first delivery attempt to {@code url}, waiting up to {@link #DEFAULT_WAIT} for it. */
  public Delivery awaitDelivery(String url) {
    return awaitDelivery(d -> d.url().equals(url), DEFAULT_WAIT);
  }

  /**
   * The first recorded delivery attempt that matches, waiting up to {@code timeout} for it.
   *
   * @throws AssertionError when none came in time
   */
  public Delivery awaitDelivery(Predicate<Delivery> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Delivery d : deliveries()) {
        if (match.test(d)) {
          return d;
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "no matching delivery within " + timeout + "; recorded: " + deliveries());
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for a delivery", e);
      }
    }
  }

  /** Stops the server and deletes its data directory. */
  @Override
  public void close() {
    broker.close();
    try (Stream<Path> paths = Files.walk(dataDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dataDir, e);
    }
  }

  private JsonNode call(String method, String path, String body, int expected) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + method + " " + path, e);
    }
    if (r.statusCode() != expected) {
      throw new IllegalStateException(
          method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    try {
      return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON from " + path + ": " + r.body(), e);
    }
  }

  private static List<Delivery> deliveries(JsonNode answer) {
    List<Delivery> out = new ArrayList<>();
    for (JsonNode d : answer.get("deliveries")) {
      Map<String, String> headers = new LinkedHashMap<>();
      d.get("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
      out.add(
          new Delivery(
              d.get("messageId").asText(),
              d.get("method").asText(),
              d.get("url").asText(),
              d.get("attempt").asInt(),
              d.get("status").asInt(),
              d.get("time").asLong(),
              headers,
              d.get("body").asText()));
    }
    return out;
  }
}
