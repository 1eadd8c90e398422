package com.example.broker.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
   */
  public record Result(
      int kills, long acknowledged, long delivered, long lost, long pendingAtEnd, long duplicates) {
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
    Random random = new Random(seed);
    java.nio.file.Files.createDirectories(work);
    Path data = work.resolve("data");
    int port = ServerProcess.freePort();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    try (HttpSink receiver = new HttpSink(true)) {
      receiver.trackArrivals = true;
      for (int cycle = 0; cycle <= kills; cycle++) {
        ServerProcess server =
            new ServerProcess(
                jar,
                data,
                port,
                work.resolve("server-" + cycle + ".log"),
                List.of(),
                receiver.url("/probe"));
        if (cycle == kills) {
          waitForDelivery(receiver, acknowledged, 90);
          Result r = ledger(receiver, acknowledged, server, kills);
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
                        "{\"chaos\":true}".getBytes(),
                        perSecond,
                        (runMillis + 999) / 1000 + 1,
                        i -> i % 2 == 0 ? 0 : random.nextInt(3000));
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "chaos-publisher");
        load.start();
        Thread.sleep(runMillis);
        server.kill(); // while publishes and deliveries are in flight
        load.join(TimeUnit.SECONDS.toMillis(30));
        publisher.close();
        acknowledged.addAll(publisher.acked.keySet());
      }
      throw new IllegalStateException("unreachable");
    }
  }

  private static void waitForDelivery(HttpSink receiver, Set<String> acked, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!receiver.deliveries.keySet().containsAll(acked) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static Result ledger(
      HttpSink receiver, Set<String> acked, ServerProcess server, int kills) throws Exception {
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
    for (String id : acked) {
      AtomicInteger n = receiver.deliveries.get(id);
      if (n != null && n.get() > 1) {
        duplicates += n.get() - 1;
      }
    }
    return new Result(
        kills,
        acked.size(),
        acked.size() - missing.size(),
        missing.size() - pending,
        pending,
        duplicates);
  }
}
