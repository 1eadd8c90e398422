package dev.postbox.bench;

import dev.postbox.core.delivery.DeliveryRequest;
import dev.postbox.http.client.NettyHttpDeliverer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's own publisher (pooled Netty client, async): fixed-rate publishing for latency
 * figures, and bounded-concurrency bulk publishing to fill a backlog. Records, per message id, when
 * the publish was acknowledged (nanoTime, comparable with {@link HttpSink} arrivals in this JVM).
 */
final class Publisher {
  private static final Pattern ID = Pattern.compile("\"messageId\":\"([^\"]+)\"");

  // The pooled Netty client from broker-http: the JDK client cannot offer more than ~6,000/s here.
  private final NettyHttpDeliverer client = new NettyHttpDeliverer(1 << 16);
  private final String base;
  private final String token;
  final ConcurrentHashMap<String, Long> acked = new ConcurrentHashMap<>();

  /** For delayed publishes: when each message is expected to arrive (nanoTime). */
  final ConcurrentHashMap<String, Long> expected = new ConcurrentHashMap<>();

  final AtomicLong failures = new AtomicLong();

  /** Ask for 20 retries two seconds apart (outage scenario) instead of the default backoff. */
  volatile boolean retryEverySecond;

  /**
   * Round trips (due to acknowledgement, nanoseconds) of the last {@link #atRate} run, by sequence
   * number; 0 for a publish that failed. One slot a publish, filled by its own callback, so
   * recording allocates nothing: the generator's own GC pauses would otherwise count as latency.
   */
  private volatile long[] roundTrips = new long[0];

  /**
   * Whether to record message ids ({@link #acked}, {@link #expected}). A pure latency run turns it
   * off, so that the generator keeps no growing live set that its young collections would copy.
   */
  private final boolean recordIds;

  /** When set (epoch seconds), every publish carries this {@code Upstash-Not-Before}. */
  volatile long notBeforeSeconds;

  Publisher(String base, String token) {
    this(base, token, true);
  }

  Publisher(String base, String token, boolean recordIds) {
    this.base = base;
    this.token = token;
    this.recordIds = recordIds;
  }

  /** A publisher for latency only: it records round trips, not message ids. */
  static Publisher latencyOnly(String base, String token) {
    return new Publisher(base, token, false);
  }

  private CompletableFuture<Void> publish(String destination, byte[] body, long delayMillis) {
    return publish(destination, body, delayMillis, System.nanoTime(), null, 0);
  }

  /**
   * {@code intended}: when the request should have been sent; its round trip counts from then and
   * goes to {@code rt[seq]} when {@code rt} is given.
   */
  private CompletableFuture<Void> publish(
      String destination, byte[] body, long delayMillis, long intended, long[] rt, int seq) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Authorization", List.of("Bearer " + token));
    headers.put("Content-Type", List.of("application/json"));
    if (delayMillis > 0) {
      headers.put("Upstash-Delay", List.of(delayMillis + "ms"));
    }
    if (notBeforeSeconds > 0) {
      headers.put("Upstash-Not-Before", List.of(Long.toString(notBeforeSeconds)));
    }
    if (retryEverySecond) {
      headers.put("Upstash-Retries", List.of("20"));
      headers.put("Upstash-Retry-Delay", List.of("2000"));
    }
    long sent = System.nanoTime();
    return client
        .deliver(
            new DeliveryRequest("POST", base + "/v2/publish/" + destination, headers, body, 30_000))
        .thenAccept(
            res -> {
              long now = System.nanoTime();
              if (res.status() != 200) {
                failures.incrementAndGet();
                return;
              }
              if (rt != null) {
                rt[seq] = now - intended;
              }
              if (!recordIds) {
                return;
              }
              Matcher m = ID.matcher(new String(res.body(), StandardCharsets.UTF_8));
              if (m.find()) {
                acked.put(m.group(1), now);
                if (delayMillis > 0) {
                  expected.put(m.group(1), sent + TimeUnit.MILLISECONDS.toNanos(delayMillis));
                }
              }
            });
  }

  void close() {
    client.close();
  }

  /** Publishes at {@code perSecond} for {@code seconds}, delays drawn by {@code delay}. */
  void atRate(String destination, byte[] body, int perSecond, int seconds, DelayFn delay)
      throws InterruptedException {
    atRate(destination, body, perSecond, seconds, delay, 2000);
  }

  /**
   * Fixed-rate publishing with at most {@code maxInFlight} requests (so about as many connections)
   * at once. Round trips count from when each request was due to be sent, so time spent waiting for
   * a free slot counts too (no coordinated omission, like wrk2).
   */
  void atRate(
      String destination, byte[] body, int perSecond, int seconds, DelayFn delay, int maxInFlight)
      throws InterruptedException {
    long interval = 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    int total = Math.multiplyExact(perSecond, seconds);
    long[] rt = new long[total];
    Semaphore inFlight = new Semaphore(maxInFlight);
    for (int i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      inFlight.acquire();
      publish(destination, body, delay.millis(i), due, rt, i)
          .whenComplete((v, e) -> inFlight.release());
    }
    inFlight.acquire(maxInFlight); // every callback has run: their writes to rt are visible
    roundTrips = rt;
  }

  /** Round trips of the last {@link #atRate} run that succeeded, in milliseconds. */
  List<Double> roundTripMillis() {
    List<Double> ms = new ArrayList<>();
    for (long n : roundTrips) {
      if (n > 0) {
        ms.add(n / 1e6);
      }
    }
    return ms;
  }

  /** Publishes {@code count} messages with at most {@code concurrency} in flight. */
  void bulk(String destination, byte[] body, long count, int concurrency, long delayMillis)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(concurrency);
    for (long i = 0; i < count; i++) {
      inFlight.acquire();
      publish(destination, body, delayMillis).whenComplete((v, e) -> inFlight.release());
    }
    inFlight.acquire(concurrency);
  }

  /** A message's delay in ms from its sequence number. */
  @FunctionalInterface
  interface DelayFn {
    long millis(long i);
  }
}
