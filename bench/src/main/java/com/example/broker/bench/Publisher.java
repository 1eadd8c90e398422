package com.example.broker.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's own publisher (JDK HttpClient, async): fixed-rate publishing for latency figures,
 * and bounded-concurrency bulk publishing to fill a backlog. Records, per message id, when the
 * publish was acknowledged (nanoTime, comparable with {@link HttpSink} arrivals in this JVM).
 */
final class Publisher {
  private static final Pattern ID = Pattern.compile("\"messageId\":\"([^\"]+)\"");

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;
  private final String token;
  final ConcurrentHashMap<String, Long> acked = new ConcurrentHashMap<>();

  /** For delayed publishes: when each message is expected to arrive (nanoTime). */
  final ConcurrentHashMap<String, Long> expected = new ConcurrentHashMap<>();

  final AtomicLong failures = new AtomicLong();

  /** Publish round trips (send to acknowledgement), nanoseconds. */
  final java.util.Queue<Long> roundTrips = new java.util.concurrent.ConcurrentLinkedQueue<>();

  Publisher(String base, String token) {
    this.base = base;
    this.token = token;
  }

  private CompletableFuture<Void> publish(String destination, byte[] body, long delayMillis) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/v2/publish/" + destination))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (delayMillis > 0) {
      b.header("Upstash-Delay", delayMillis + "ms");
    }
    long sent = System.nanoTime();
    return client
        .sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
        .handle(
            (res, err) -> {
              long now = System.nanoTime();
              if (err != null || res.statusCode() != 200) {
                failures.incrementAndGet();
                return null;
              }
              roundTrips.add(now - sent);
              Matcher m = ID.matcher(res.body());
              if (m.find()) {
                acked.put(m.group(1), now);
                if (delayMillis > 0) {
                  expected.put(m.group(1), sent + TimeUnit.MILLISECONDS.toNanos(delayMillis));
                }
              }
              return null;
            });
  }

  /** Publishes at {@code perSecond} for {@code seconds}, delays drawn by {@code delay}. */
  void atRate(String destination, byte[] body, int perSecond, int seconds, DelayFn delay)
      throws InterruptedException {
    long interval = 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    long total = (long) perSecond * seconds;
    Semaphore inFlight = new Semaphore(2000);
    for (long i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      inFlight.acquire();
      publish(destination, body, delay.millis(i)).whenComplete((v, e) -> inFlight.release());
    }
    inFlight.acquire(2000);
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
