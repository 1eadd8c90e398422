package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.postbox.core.tenant.DevTenants;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server delivering to an IPv6 literal destination ({@code http://[::1]:port/...}):
 * published raw or percent-encoded, it arrives with {@code Host: [::1]:port} and a signature whose
 * subject is the URL as published; a {@code ::1/128} deny rule refuses it at publish. Skipped where
 * the machine has no IPv6 loopback.
 */
class Ipv6DestinationIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String KEY = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";

  /** What the receiver saw: path, Host header and signature. */
  record Seen(String path, String host, String signature) {}

  @TempDir Path dir;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private HttpServer receiver;
  private int port;

  @BeforeEach
  void start() throws IOException {
    assumeTrue(hasIpv6Loopback(), "no IPv6 loopback (::1) on this machine: nothing to test");
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getByName("::1"), 0), 0);
    receiver.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          seen.add(
              new Seen(
                  ex.getRequestURI().toString(),
                  ex.getRequestHeaders().getFirst("Host"),
                  ex.getRequestHeaders().getFirst("Upstash-Signature")));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    receiver.start();
    port = receiver.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    if (receiver != null) {
      receiver.stop(0);
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

  @Test
  void anIpv6LiteralIsDeliveredWithItsHostHeaderAndAVerifiableSignature() throws Exception {
    try (JarServer server = JarServer.start(dir.resolve("data"), dir.resolve("server.log"))) {
      String raw = "http://[::1]:" + port + "/raw";
      // The JDK client refuses '[' in a request path; curl and the JS SDK send it as it is.
      assertEquals(200, rawPublish(server.port, raw), "raw publish");
      String encoded = "http%3A%2F%2F%5B%3A%3A1%5D%3A" + port + "%2Fencoded";
      Api.Response r = server.api().publish(encoded, "x");
      assertEquals(200, r.status(), r.body());
      assertEquals("http://[::1]:" + port + "/encoded", r.json().get("url").asText());

      Poll.until(WAIT, "both deliveries", () -> seen.size() == 2);
      for (Seen s : seen) {
        assertEquals("[::1]:" + port, s.host(), s.toString());
        SignedJWT jwt = SignedJWT.parse(s.signature());
        assertTrue(jwt.verify(new MACVerifier(KEY.getBytes(StandardCharsets.UTF_8))));
        assertEquals("http://[::1]:" + port + s.path(), jwt.getJWTClaimsSet().getSubject());
      }
    }
  }

  @Test
  void aDenyRuleForTheIpv6LoopbackRefusesTheLiteralAtPublish() throws Exception {
    try (JarServer server =
        JarServer.start(
            dir.resolve("data"), dir.resolve("server.log"), "--deny-destinations", "::1/128")) {
      String encoded = "http%3A%2F%2F%5B%3A%3A1%5D%3A" + port + "%2Fdenied";
      Api.Response r = server.api().publish(encoded, "x");
      assertEquals(400, r.status(), r.body());
      assertEquals(
          "destination http://[::1]:" + port + "/denied is denied by rule deny ::1/128",
          r.json().get("error").asText());
      assertEquals(400, rawPublish(server.port, "http://[::1]:" + port + "/denied-raw"));
      Thread.sleep(500);
      assertTrue(seen.isEmpty(), "nothing reached the receiver: " + seen);
    }
  }

  /** Publishes with the destination unencoded in the request target; the response status. */
  private static int rawPublish(int brokerPort, String destination) throws IOException {
    try (Socket s = new Socket("127.0.0.1", brokerPort)) {
      String req =
          "POST /v2/publish/"
              + destination
              + " HTTP/1.1\r\nHost: 127.0.0.1:"
              + brokerPort
              + "\r\nAuthorization: Bearer "
              + DevTenants.DEFAULT_USER.token()
              + "\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx";
      OutputStream out = s.getOutputStream();
      out.write(req.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }
}
