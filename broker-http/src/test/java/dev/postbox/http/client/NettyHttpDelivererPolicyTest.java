package dev.postbox.http.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.postbox.core.delivery.DeliveryRequest;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.destination.DestinationPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The destination policy as the Netty deliverer applies it, to the address it connects to. */
class NettyHttpDelivererPolicyTest {
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          String path = ex.getRequestURI().toString();
          seen.add(path);
          if (path.startsWith("/redirect")) {
            ex.getResponseHeaders().add("Location", "http://denied.test:" + port + "/target");
            ex.sendResponseHeaders(302, -1);
          } else {
            ex.sendResponseHeaders(200, -1);
          }
          ex.close();
        });
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** Names ending in .test are answered 127.0.0.1, as a DNS record pointing inside would be. */
  private static NettyHttpDeliverer deliverer(DestinationPolicy policy) {
    return new NettyHttpDeliverer(
        10, host -> InetAddress.getAllByName(host.endsWith(".test") ? "127.0.0.1" : host), policy);
  }

  private static DeliveryResponse deliver(NettyHttpDeliverer d, String url) throws Exception {
    return d.deliver(
            new DeliveryRequest("POST", url, Map.of(), "x".getBytes(StandardCharsets.UTF_8), 5000))
        .get(20, TimeUnit.SECONDS);
  }

  @Test
  void anAddressLiteralInADeniedRangeIsNotConnectedToNorRetried() throws Exception {
    DestinationPolicy p = DestinationPolicy.of(List.of(), List.of("127.0.0.0/8"), false);
    try (NettyHttpDeliverer d = deliverer(p)) {
      DeliveryResponse r = deliver(d, "http://127.0.0.1:" + port + "/hook");
      assertEquals(0, r.status());
      assertTrue(r.refused());
      assertTrue(r.isNonRetryable());
      assertEquals(
          "destination 127.0.0.1 is denied by rule deny 127.0.0.0/8: not connected, not retried",
          r.error());
      assertTrue(seen.isEmpty(), "no request reached the server: " + seen);
    }
  }

  @Test
  void aNameThatResolvesIntoADeniedRangeIsRefused() throws Exception {
    DestinationPolicy p = DestinationPolicy.of(List.of(), List.of("127.0.0.0/8"), false);
    try (NettyHttpDeliverer d = deliverer(p)) {
      DeliveryResponse r = deliver(d, "http://internal.test:" + port + "/hook");
      assertTrue(r.isNonRetryable());
      assertEquals(
          "destination internal.test (resolved to 127.0.0.1) is denied by rule deny 127.0.0.0/8:"
              + " not connected, not retried",
          r.error());
      assertTrue(seen.isEmpty(), "no request reached the server: " + seen);
    }
  }

  @Test
  void anAllowedAddressIsDeliveredThoughADenyRangeHoldsIt() throws Exception {
    DestinationPolicy p = DestinationPolicy.of(List.of("127.0.0.1/32"), List.of(), true);
    try (NettyHttpDeliverer d = deliverer(p)) {
      DeliveryResponse r = deliver(d, "http://internal.test:" + port + "/hook");
      assertEquals(200, r.status(), r.error());
      assertFalse(r.refused());
      assertEquals(List.of("/hook"), seen);
    }
  }

  @Test
  void aRedirectToADeniedHostIsRefused() throws Exception {
    DestinationPolicy p = DestinationPolicy.of(List.of(), List.of("denied.test"), false);
    try (NettyHttpDeliverer d = deliverer(p)) {
      DeliveryResponse r = deliver(d, "http://allowed.test:" + port + "/redirect");
      assertTrue(r.refused(), r.toString());
      assertEquals(
          "destination denied.test (resolved to 127.0.0.1) is denied by rule deny denied.test:"
              + " not connected, not retried",
          r.error());
      assertEquals(List.of("/redirect"), seen);
    }
  }
}
