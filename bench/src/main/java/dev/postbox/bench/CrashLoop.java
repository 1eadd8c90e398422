package dev.postbox.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The durability ledger under crashes: publish steadily (immediate and short-delayed messages),
 * kill the server with SIGKILL at a random moment, restart it on the same data dir, repeat; at the
 * end every acknowledged message must have been delivered at least once ({@code lost == 0}).
 * Duplicates (redeliveries of work whose outcome a crash lost) are counted, not failures.
 */
public final class CrashLoop {
  /**
   * The ledger.
   *
   * @param kills SIGKILLs performed
   * @param acknowledged publishes answered 200
   * @param delivered distinct acknowledged messages that reached the receiver
   * @param lost acknowledged, not delivered, and no longer pending at the server
   * @param pendingAtEnd acknowledged, not yet delivered, but still pending at the server
   * @param duplicates extra deliveries of acknowledged messages
   * @param duplicatesWithinLife extra deliveries with no kill between them and the previous one
   * @param firstArrivalBeforeKillMs for the other duplicates: how long before the SIGKILL the first
   *     delivery had arrived (p50, p99, max; 0 when it arrived while the process was dying), i.e.
   *     how long its outcome had not reached the WAL
   * @param wrongBodies deliveries whose body was not the one published
   */
  public record Result(
      int kills,
      long acknowledged,
      long delivered,
      long lost,
      long pendingAtEnd,
      long duplicates,
      long duplicatesWithinLife,
      double[] firstArrivalBeforeKillMs,
      long wrongBodies) {
    public double duplicateRatio() {
      return acknowledged == 0 ? 0 : (double) duplicates / acknowledged;
    }
  }

  private CrashLoop() {}

  /**
   * @param jar the packaged server
   * @param work a scratch directory (data dir and logs go here)
   * @param kills how many SIGKILLs
   * @param perSecond publishing rate
   * @param seed randomness of kill moments and delays
   */
  public static Result run(Path jar, Path work, int kills, int perSecond, long seed)
      throws Exception {
    return run(jar, work, kills, perSecond, seed, 0);
  }

  /**
   * As {@link #run(Path, Path, int, int, long)}, publishing bodies of {@code bodyBytes} (0: a
   * 14-byte JSON body); every delivery's body is checked against the one published.
   */
  public static Result run(Path jar, Path work, int kills, int perSecond, long seed, int bodyBytes)
      throws Exception {
    Random random = new Random(seed);
    byte[] body = body(bodyBytes);
    Files.createDirectories(work);
    Path data = work.resolve("data");
    int port = ServerProcess.freePort();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    List<long[]> killed = new ArrayList<>(); // {signalled, died} (nanoTime)
    try (HttpSink receiver = new HttpSink(true)) {
      receiver.trackArrivals = true;
      receiver.expectBodyAt = "/chaos";
      receiver.expectBody = body;
      for (int cycle = 0; cycle <= kills; cycle++) {
        ServerProcess server =
            new ServerProcess(
                jar,
                data,
                port,
                work.resolve("server-" + cycle + ".log"),
                jvmArgs(),
                receiver.url("/probe"));
        if (cycle == kills) {
          waitForDelivery(receiver, acknowledged, 90);
          Result r = ledger(receiver, acknowledged, server, killed);
          server.close();
          return r;
        }
        Publisher publisher = new Publisher(server.base(), ServerProcess.TOKEN);
        int runMillis = 800 + random.nextInt(2200);
        Thread load =
            new Thread(
                () -> {
                  try {
                    publisher.atRate(
                        receiver.url("/chaos"),
                        body,
                        perSecond,
                        (runMillis + 999) / 1000 + 1,
                        i -> i % 2 == 0 ? 0 : random.nextInt(3000),
                        64); // as many connections as wrk uses elsewhere
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "chaos-publisher");
        load.start();
        Thread.sleep(runMillis);
        long signalled = System.nanoTime();
        server.kill(); // while publishes and deliveries are in flight; returns once it has died
        killed.add(new long[] {signalled, System.nanoTime()});
        load.join(TimeUnit.SECONDS.toMillis(30));
        publisher.close();
        acknowledged.addAll(publisher.acked.keySet());
      }
      throw new IllegalStateException("unreachable");
    }
  }

  private static byte[] body(int bytes) {
    String small = "{\"chaos\":true}";
    if (bytes <= small.length()) {
      return small.getBytes(StandardCharsets.UTF_8);
    }
    String head = "{\"chaos\":\"";
    return (head + "x".repeat(bytes - head.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  /** Extra JVM options for the server, {@code -Dpostbox.jvmArgs="-Xa -Xb"} (for A/B runs). */
  static List<String> jvmArgs() {
    String v = System.getProperty("postbox.jvmArgs", "").trim();
    return v.isEmpty() ? List.of() : List.of(v.split("\\s+"));
  }

  private static void waitForDelivery(HttpSink receiver, Set<String> acked, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!receiver.deliveries.keySet().containsAll(acked) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static Result ledger(
      HttpSink receiver, Set<String> acked, ServerProcess server, List<long[]> kills)
      throws Exception {
    Set<String> missing = new HashSet<>(acked);
    missing.removeAll(receiver.deliveries.keySet());
    long pending = 0;
    HttpClient client = HttpClient.newHttpClient();
    for (String id : missing) {
      HttpRequest get =
          HttpRequest.newBuilder(URI.create(server.base() + "/v2/messages/" + id))
              .header("Authorization", "Bearer " + ServerProcess.TOKEN)
              .build();
      if (client.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
        pending++;
      }
    }
    long duplicates = 0;
    long withinLife = 0;
    List<Double> beforeKill = new ArrayList<>();
    for (String id : acked) {
      AtomicInteger n = receiver.deliveries.get(id);
      if (n != null && n.get() > 1) {
        duplicates += n.get() - 1;
        List<Long> times = new ArrayList<>(receiver.arrivalTimes.get(id));
        Collections.sort(times);
        for (int i = 1; i < times.size(); i++) {
          long[] kill = killBetween(kills, times.get(i - 1), times.get(i));
          if (kill == null) {
            withinLife++;
          } else {
            beforeKill.add(Math.max(0, kill[0] - times.get(i - 1)) / 1e6);
          }
        }
      }
    }
    Collections.sort(beforeKill);
    return new Result(
        kills.size(),
        acked.size(),
        acked.size() - missing.size(),
        missing.size() - pending,
        pending,
        duplicates,
        withinLife,
        beforeKill.isEmpty()
            ? new double[3]
            : new double[] {
              Stats.percentile(beforeKill, 50),
              Stats.percentile(beforeKill, 99),
              beforeKill.get(beforeKill.size() - 1)
            },
        receiver.wrongBodies.get());
  }

  /** The kill whose process died between two arrivals (so the second came in a new life). */
  private static long[] killBetween(List<long[]> kills, long from, long to) {
    for (long[] kill : kills) {
      if (kill[1] >= from && kill[1] <= to) {
        return kill;
      }
    }
    return null;
  }
}
