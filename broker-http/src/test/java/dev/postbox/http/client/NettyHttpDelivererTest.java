package dev.postbox.http.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.postbox.core.delivery.DeliveryRequest;
import dev.postbox.core.delivery.DeliveryResponse;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Netty deliverer against a real HTTP server on 127.0.0.1. */
class NettyHttpDelivererTest {
  private final NettyHttpDeliverer deliverer = new NettyHttpDeliverer(10);
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          byte[] in = ex.getRequestBody().readAllBytes();
          String path = ex.getRequestURI().toString();
          seen.add(
              ex.getRequestMethod()
                  + " "
                  + path
                  + " "
                  + new String(in, StandardCharsets.UTF_8)
                  + " "
                  + ex.getRequestHeaders().getFirst("X-Test"));
          int status = 200;
          String body = "0123456789abcdef";
          if (path.startsWith("/302")) {
            status = 302;
            ex.getResponseHeaders().add("Location", "/target?from=302");
          } else if (path.startsWith("/307")) {
            status = 307;
            ex.getResponseHeaders().add("Location", "/target?from=307");
          } else if (path.startsWith("/loop")) {
            status = 302;
            ex.getResponseHeaders().add("Location", "/loop");
          } else if (path.startsWith("/slow")) {
            try {
              Thread.sleep(2000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          } else if (path.startsWith("/error")) {
            status = 503;
            ex.getResponseHeaders().add("Retry-After", "7");
          }
          ex.sendResponseHeaders(status, body.length());
          try (OutputStream os = ex.getResponseBody()) {
            os.write(body.getBytes(StandardCharsets.UTF_8));
          }
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  @AfterEach
  void stop() {
    deliverer.close();
    server.stop(0);
  }

  private DeliveryResponse send(String method, String path, String body, long timeout) {
    return deliverer
        .deliver(
            new DeliveryRequest(
                method,
                "http://127.0.0.1:" + server.getAddress().getPort() + path,
                Map.of("X-Test", List.of("t"), "Host", List.of("ignored.example")),
                body.getBytes(StandardCharsets.UTF_8),
                timeout))
        .join();
  }

  @Test
  void deliversWithHeadersQueryAndBodyAndTruncatesTheResponse() {
    DeliveryResponse r = send("PUT", "/a/b?x=1&y=%20", "payload", 5000);
    assertEquals(200, r.status());
    assertEquals(
        "0123456789", new String(r.body(), StandardCharsets.UTF_8), "kept up to the limit");
    assertEquals(List.of("PUT /a/b?x=1&y=%20 payload t"), seen);
    for (int i = 0; i < 20; i++) {
      assertEquals(200, send("POST", "/again", "x", 5000).status()); // keep-alive reuse
    }
  }

  @Test
  void followsRedirectsLikeGo() {
    assertEquals(200, send("POST", "/302", "body", 5000).status());
    assertEquals("GET /target?from=302  t", seen.get(1));
    seen.clear();
    assertEquals(200, send("POST", "/307", "body", 5000).status());
    assertEquals("POST /target?from=307 body t", seen.get(1));
    DeliveryResponse loop = send("GET", "/loop", "", 5000);
    assertEquals(302, loop.status(), "gives up after 10 redirects");
  }

  @Test
  void failuresAreValuesWithStatusZero() throws Exception {
    DeliveryResponse slow = send("POST", "/slow", "x", 200);
    assertEquals(0, slow.status());
    assertTrue(slow.error().contains("timed out"), slow.error());
    DeliveryResponse error = send("POST", "/error", "x", 5000);
    assertEquals(503, error.status());
    assertEquals(List.of("7"), error.headers().get("Retry-After"));
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    DeliveryResponse refused =
        deliverer
            .deliver(
                new DeliveryRequest(
                    "POST", "http://127.0.0.1:" + closedPort + "/", Map.of(), null, 5000))
            .join();
    assertEquals(0, refused.status());
    assertTrue(refused.error().toLowerCase().contains("refused"), refused.error());
  }

  @Test
  void aSlowHostNameLookupDoesNotHoldUpOtherDestinations() throws Exception {
    CountDownLatch answerDns = new CountDownLatch(1);
    NettyHttpDeliverer d =
        new NettyHttpDeliverer(
            10,
            host -> {
              if (host.equals("slow.test")) {
                try {
                  answerDns.await(); // a name server that does not answer (yet)
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return InetAddress.getAllByName(host.endsWith(".test") ? "127.0.0.1" : host);
            });
    try {
      int port = server.getAddress().getPort();
      List<CompletableFuture<DeliveryResponse>> slow = new ArrayList<>();
      for (int i = 0; i < 4; i++) { // each opens a connection, so each waits for a lookup
        slow.add(d.deliver(post("http://slow.test:" + port + "/slow-dns")));
      }
      List<CompletableFuture<DeliveryResponse>> fast = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        fast.add(d.deliver(post("http://fast.test:" + port + "/fast")));
      }
      for (CompletableFuture<DeliveryResponse> f : fast) {
        assertEquals(200, f.get(20, TimeUnit.SECONDS).status());
      }
      assertTrue(slow.stream().noneMatch(CompletableFuture::isDone));
      answerDns.countDown();
      for (CompletableFuture<DeliveryResponse> f : slow) {
        assertEquals(200, f.get(20, TimeUnit.SECONDS).status());
      }
    } finally {
      answerDns.countDown();
      d.close();
    }
  }

  private static DeliveryRequest post(String url) {
    return new DeliveryRequest("POST", url, Map.of(), "x".getBytes(StandardCharsets.UTF_8), 30_000);
  }
}
