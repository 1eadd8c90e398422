package dev.postbox.http.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.postbox.core.delivery.DeliveryRequest;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.destination.DestinationPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Netty deliverer to an IPv6 literal destination ({@code http://[::1]:port/...}), against a
 * real HTTP server on the IPv6 loopback: it connects, sends the {@code Host} header a browser or
 * curl would ({@code [::1]:port}), follows a redirect to such a URL, and applies the destination
 * policy to the address. Skipped where the machine has no IPv6 loopback.
 */
class NettyHttpDelivererIpv6Test {
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private HttpServer v6;
  private HttpServer v4;

  @BeforeEach
  void start() throws IOException {
    assumeTrue(hasIpv6Loopback(), "no IPv6 loopback (::1) on this machine: nothing to test");
    v6 = HttpServer.create(new InetSocketAddress(InetAddress.getByName("::1"), 0), 0);
    v6.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          seen.add(ex.getRequestURI() + " Host: " + ex.getRequestHeaders().getFirst("Host"));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    v6.start();
    v4 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    v4.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          ex.getResponseHeaders().add("Location", v6Url("/redirected"));
          ex.sendResponseHeaders(302, -1);
          ex.close();
        });
    v4.start();
  }

  @AfterEach
  void stop() {
    if (v6 != null) {
      v6.stop(0);
    }
    if (v4 != null) {
      v4.stop(0);
    }
  }

  private static boolean hasIpv6Loopback() {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String v6Url(String path) {
    return "http://[::1]:" + v6.getAddress().getPort() + path;
  }

  private static DeliveryResponse deliver(NettyHttpDeliverer d, String url) throws Exception {
    return d.deliver(
            new DeliveryRequest(
                "POST",
                url,
                Map.of("Host", List.of("ignored.example")),
                "x".getBytes(StandardCharsets.UTF_8),
                5000))
        .get(20, TimeUnit.SECONDS);
  }

  @Test
  void deliversToAnIpv6LiteralWithTheHostHeaderInBrackets() throws Exception {
    try (NettyHttpDeliverer d = new NettyHttpDeliverer(10)) {
      DeliveryResponse r = deliver(d, v6Url("/x?a=1"));
      assertEquals(200, r.status(), r.error());
      assertEquals(List.of("/x?a=1 Host: [::1]:" + v6.getAddress().getPort()), seen);
    }
  }

  @Test
  void followsARedirectToAnIpv6Literal() throws Exception {
    try (NettyHttpDeliverer d = new NettyHttpDeliverer(10)) {
      DeliveryResponse r = deliver(d, "http://127.0.0.1:" + v4.getAddress().getPort() + "/r");
      assertEquals(200, r.status(), r.error());
      assertEquals(List.of("/redirected Host: [::1]:" + v6.getAddress().getPort()), seen);
    }
  }

  @Test
  void aDeniedIpv6LiteralIsNotConnectedTo() throws Exception {
    DestinationPolicy p = DestinationPolicy.of(List.of(), List.of("::1/128"), false);
    try (NettyHttpDeliverer d = new NettyHttpDeliverer(10, p)) {
      DeliveryResponse r = deliver(d, v6Url("/x"));
      assertTrue(r.refused(), r.toString());
      assertTrue(r.isNonRetryable());
      assertEquals(
          "destination ::1 is denied by rule deny ::1/128: not connected, not retried", r.error());
      r = deliver(d, "http://127.0.0.1:" + v4.getAddress().getPort() + "/r");
      assertTrue(r.refused(), "a redirect to it too: " + r);
      assertTrue(seen.isEmpty(), "no request reached the server: " + seen);
    }
  }
}
