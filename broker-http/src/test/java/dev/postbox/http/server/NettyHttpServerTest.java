package dev.postbox.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real server on a free port of 127.0.0.1. */
class NettyHttpServerTest {
  private static final ServerLimits LIMITS =
      new ServerLimits(1024, Duration.ofSeconds(30), Duration.ofSeconds(60));

  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private final HttpClient client = HttpClient.newHttpClient();
  private final ApiRouter router =
      req ->
          new ApiRouter.Route(
              r -> CompletableFuture.completedFuture(ApiResponse.json(200, "routed")), true);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private String get(NettyHttpServer server) throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v2/x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode()
        + " "
        + r.headers().firstValue("content-type").orElse("-")
        + " "
        + r.body();
  }

  @Test
  void bindsFirstAnswers503UntilServedThenRoutes() throws Exception {
    try (NettyHttpServer server = NettyHttpServer.bind("127.0.0.1", 0, LIMITS)) {
      assertEquals("503 application/json {\"error\":\"starting\"}", get(server));
      server.serve(router, pool);
      assertEquals("200 application/json routed", get(server));
      assertThrows(IllegalStateException.class, () -> server.serve(router, pool));
    }
  }

  @Test
  void theOneStepConstructorServesAtOnce() throws Exception {
    try (NettyHttpServer server = new NettyHttpServer("127.0.0.1", 0, router, pool, LIMITS)) {
      assertEquals("200 application/json routed", get(server));
    }
  }

  @Test
  void aPortInUseFailsTheBind() throws Exception {
    try (NettyHttpServer first = NettyHttpServer.bind("127.0.0.1", 0, LIMITS)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> NettyHttpServer.bind("127.0.0.1", first.port(), LIMITS));
      assertTrue(
          e.getMessage().startsWith("cannot listen on 127.0.0.1:" + first.port() + ": "),
          e.getMessage());
    }
  }
}
