package dev.postbox.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server's whole pipeline, as {@link BrokerChannelInitializer} builds it, on raw bytes. */
class HttpPipelineTest {
  private static final int MAX_BODY = 16;
  private static final String TOO_LARGE =
      "{\"error\":\"request body is larger than the limit of 16 bytes\"}";

  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private final ApiRouter router =
      req ->
          new ApiRouter.Route(
              r ->
                  CompletableFuture.completedFuture(
                      ApiResponse.json(200, "got " + new String(r.body(), StandardCharsets.UTF_8))),
              false);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    new BrokerChannelInitializer(
            Routing.of(router, pool),
            new ServerLimits(MAX_BODY, Duration.ofSeconds(30), Duration.ofSeconds(60)))
        .addTo(ch.pipeline());
    return ch;
  }

  private static void send(EmbeddedChannel ch, String raw) {
    ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
  }

  /** Everything written to the client so far, as text. */
  private static String written(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      sb.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return sb.toString();
  }

  @Test
  void anOversizedBodyAnnouncedWithExpectGetsTheSameJson413AndTheConnectionCloses() {
    EmbeddedChannel plain = channel();
    send(plain, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n");
    String withoutExpect = written(plain);
    assertTrue(withoutExpect.startsWith("HTTP/1.1 413 Request Entity Too Large\r\n"));
    assertTrue(withoutExpect.endsWith(TOO_LARGE), withoutExpect);
    assertFalse(plain.finishAndReleaseAll());

    EmbeddedChannel ch = channel();
    send(ch, "POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 40\r\n\r\n");
    String out = written(ch);
    assertTrue(out.startsWith("HTTP/1.1 413 Request Entity Too Large\r\n"), out);
    assertTrue(out.contains("content-type: application/json\r\n"), out);
    assertTrue(out.contains("connection: close\r\n"), out);
    assertTrue(out.endsWith("\r\n\r\n" + TOO_LARGE), out);
    assertFalse(ch.isOpen(), "closed after the answer, as Netty does for a failed expectation");
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void aBodyWithinTheLimitAnnouncedWithExpectIsContinuedAndServed() {
    EmbeddedChannel ch = channel();
    send(ch, "POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    assertEquals("HTTP/1.1 100 Continue\r\n\r\n", written(ch));
    send(ch, "hi");
    String out = written(ch);
    assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
    assertTrue(out.endsWith("got hi"), out);
    assertTrue(ch.isOpen());
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void aRequestLineOverTheLimitIs414() {
    EmbeddedChannel ch = channel();
    String uri = "/" + "a".repeat(BrokerChannelInitializer.MAX_INITIAL_LINE);
    send(ch, "GET " + uri + " HTTP/1.1\r\nHost: x\r\n\r\n");
    String out = written(ch);
    assertTrue(out.startsWith("HTTP/1.1 414 Request-URI Too Long\r\n"), out);
    assertTrue(out.contains("connection: close\r\n"), out);
    assertTrue(
        out.endsWith(
            "{\"error\":\"request line (method, URI, version) is longer than the limit of 65536"
                + " bytes\"}"),
        out);
    assertFalse(ch.isOpen());
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void headersOverTheLimitAre431() {
    EmbeddedChannel ch = channel();
    String big = "X-Big: " + "b".repeat(BrokerChannelInitializer.MAX_HEADER_SIZE) + "\r\n";
    send(ch, "GET /x HTTP/1.1\r\nHost: x\r\n" + big + "\r\n");
    String out = written(ch);
    assertTrue(out.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), out);
    assertTrue(out.contains("connection: close\r\n"), out);
    assertTrue(
        out.endsWith("{\"error\":\"request headers are larger than the limit of 65536 bytes\"}"),
        out);
    assertFalse(ch.isOpen());
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void aChunkSizeLineOverTheLimitIsAMalformedRequestNotALongUri() {
    EmbeddedChannel ch = channel();
    send(
        ch,
        "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "1".repeat(BrokerChannelInitializer.MAX_INITIAL_LINE + 10)
            + "\r\n");
    String out = written(ch);
    assertTrue(out.startsWith("HTTP/1.1 400 Bad Request\r\n"), out);
    assertTrue(out.endsWith("{\"error\":\"malformed HTTP request\"}"), out);
    assertFalse(ch.isOpen());
    assertFalse(ch.finishAndReleaseAll());
  }
}
