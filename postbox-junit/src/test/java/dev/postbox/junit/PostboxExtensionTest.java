package dev.postbox.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The extension against itself: one in-process server per class, driven through its handle. */
@PostboxTest
class PostboxExtensionTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<String> RECEIVED = new CopyOnWriteArrayList<>();
  private static HttpServer receiver;
  private static Postbox first;

  @BeforeAll
  static void startReceiver(Postbox postbox) throws IOException {
    first = postbox;
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/",
        ex -> {
          RECEIVED.add(ex.getRequestURI().getPath());
          ex.getRequestBody().readAllBytes();
          int status = ex.getRequestURI().getPath().startsWith("/fail") ? 500 : 200;
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
    receiver.start();
  }

  @AfterAll
  static void stopReceiver() {
    receiver.stop(0);
  }

  @BeforeEach
  void clean(Postbox postbox) {
    postbox.reset();
    RECEIVED.clear();
  }

  private static String destination(String path) {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
  }

  private static HttpResponse<String> publish(Postbox p, String path, String body, String... h)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(p.url() + "/v2/publish/" + destination(path)))
            .header("Authorization", "Bearer " + p.token())
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < h.length; i += 2) {
      b.header(h[i], h[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void handsOutTheUrlTokenAndSigningKeysOfOneServerPerClass(Postbox postbox) throws Exception {
    assertSame(first, postbox);
    assertTrue(postbox.url().matches("http://127\\.0\\.0\\.1:\\d+"), postbox.url());
    HttpResponse<String> keys =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(postbox.url() + "/v2/keys"))
                .header("Authorization", "Bearer " + postbox.token())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, keys.statusCode());
    assertTrue(keys.body().contains(postbox.currentSigningKey()), keys.body());
    assertTrue(keys.body().contains(postbox.nextSigningKey()), keys.body());
    Map<String, String> env = postbox.env();
    assertEquals(postbox.url(), env.get("QSTASH_URL"));
    assertEquals(postbox.token(), env.get("QSTASH_TOKEN"));
  }

  @Test
  void aMessageDelayedAnHourIsDeliveredWhenTheClockIsAdvancedAnHour(Postbox postbox)
      throws Exception {
    assertSame(first, postbox);
    long before = postbox.now();
    assertEquals(200, publish(postbox, "/later", "hi", "Upstash-Delay", "1h").statusCode());
    assertEquals(List.of(), postbox.flush());
    assertTrue(postbox.advance(Duration.ofHours(1)) >= before + 3_600_000);
    Delivery d = postbox.awaitDelivery(destination("/later"));
    assertEquals("hi", d.body());
    assertEquals(1, d.attempt());
    assertEquals(200, d.status());
    assertNotNull(d.header("upstash-signature"));
    assertEquals(List.of("/later"), RECEIVED);
    assertEquals(1, postbox.deliveries(destination("/later")).size());
    postbox.clearDeliveries();
    assertEquals(List.of(), postbox.deliveries());
  }

  @Test
  void retriesRunAtTheirBackoffWithinOneAdvance(Postbox postbox) throws Exception {
    publish(postbox, "/fail", "x", "Upstash-Retries", "2");
    postbox.advance(Duration.ofMinutes(5)); // backoffs of 12 s and 2.5 min
    List<Delivery> attempts = postbox.flush();
    assertEquals(List.of(1, 2, 3), attempts.stream().map(Delivery::attempt).toList());
    AssertionError none =
        assertThrows(
            AssertionError.class,
            () -> postbox.awaitDelivery(d -> d.url().endsWith("/never"), Duration.ofMillis(50)));
    assertTrue(none.getMessage().startsWith("no matching delivery within PT0.05S"));
  }

  @Nested
  class Inner {
    @Test
    void sharesTheEnclosingClassesServer(Postbox postbox) {
      assertSame(first, postbox);
    }
  }
}
