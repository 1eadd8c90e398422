package dev.postbox.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server's pipeline on an embedded channel whose clock the test moves. */
class ConnectionTimeoutsTest {
  private static final long REQUEST_S = 30;
  private static final long IDLE_S = 60;

  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private long nanos = 1_000_000_000L; // the handler's clock, moved with the channel's
  private final CompletableFuture<ApiResponse> slow = new CompletableFuture<>();
  private final ApiRouter router =
      req ->
          new ApiRouter.Route(
              r ->
                  r.rawPath().equals("/slow")
                      ? slow
                      : CompletableFuture.completedFuture(ApiResponse.json(200, "ok")),
              false);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private EmbeddedChannel channel(long requestSeconds, long idleSeconds) {
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new HttpServerCodec(),
            new ConnectionTimeouts(
                TimeUnit.SECONDS.toNanos(requestSeconds),
                TimeUnit.SECONDS.toNanos(idleSeconds),
                () -> nanos),
            new BrokerChannelInitializer.JsonTooLargeAggregator(16),
            new BrokerHttpHandler(router, pool));
    ch.freezeTime();
    return ch;
  }

  private static void send(EmbeddedChannel ch, String raw) {
    ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
  }

  private void after(EmbeddedChannel ch, long seconds) {
    nanos += TimeUnit.SECONDS.toNanos(seconds);
    ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    ch.runPendingTasks();
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

  private static String post(String path, String body) {
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + body.length()
        + "\r\n\r\n"
        + body;
  }

  @Test
  void aConnectionThatNeverSendsARequestIsClosedWhenIdle() {
    EmbeddedChannel ch = channel(REQUEST_S, IDLE_S);
    after(ch, IDLE_S - 1);
    assertTrue(ch.isOpen());
    after(ch, 2);
    assertFalse(ch.isOpen());
    assertEquals("", written(ch));
  }

  @Test
  void aHeadThatTricklesInIsClosedWhenIdle() {
    EmbeddedChannel ch = channel(REQUEST_S, IDLE_S);
    send(ch, "POST /x HTTP/1.1\r\nHo");
    after(ch, 30);
    send(ch, "st: x\r\nX-A: ");
    after(ch, 31);
    assertFalse(ch.isOpen(), "a head never completed does not hold the connection past idle");
  }

  @Test
  void aBodyThatStallsIsAnswered408AndClosed() {
    EmbeddedChannel ch = channel(REQUEST_S, IDLE_S);
    send(ch, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    after(ch, REQUEST_S - 1);
    assertTrue(ch.isOpen());
    after(ch, 2);
    String out = written(ch);
    assertTrue(out.startsWith("HTTP/1.1 408 Request Timeout\r\n"), out);
    assertTrue(out.contains("connection: close"), out);
    assertTrue(
        out.endsWith(
            "{\"error\":\"request not received in full within 30000 ms; closing the"
                + " connection\"}"),
        out);
    assertFalse(ch.isOpen());
  }

  @Test
  void aRequestBeingAnsweredHasNoLimitAndIdleCountsFromTheAnswer() {
    EmbeddedChannel ch = channel(REQUEST_S, IDLE_S);
    send(ch, post("/slow", "hi"));
    after(ch, 600);
    assertTrue(ch.isOpen(), "the broker's own work is not the client's delay");
    assertEquals("", written(ch));
    slow.complete(ApiResponse.json(200, "late"));
    ch.runPendingTasks();
    assertTrue(written(ch).startsWith("HTTP/1.1 200 OK"));
    after(ch, IDLE_S - 1);
    assertTrue(ch.isOpen());
    send(ch, post("/fast", ""));
    assertTrue(written(ch).startsWith("HTTP/1.1 200 OK"));
    after(ch, IDLE_S - 1);
    assertTrue(ch.isOpen(), "each answer restarts the idle time");
    after(ch, 2);
    assertFalse(ch.isOpen());
  }

  @Test
  void anOversizedBodyAnswered413KeepsTheRequestLimitUntilItsEndThenIdles() {
    EmbeddedChannel ch = channel(REQUEST_S, IDLE_S);
    send(ch, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\n\r\n0123456789012345678");
    assertTrue(written(ch).startsWith("HTTP/1.1 413"));
    after(ch, REQUEST_S + 1);
    assertFalse(ch.isOpen(), "the rest of the body never came");

    EmbeddedChannel ch2 = channel(REQUEST_S, IDLE_S);
    send(ch2, post("/x", "0123456789012345678901234567890123456789"));
    assertTrue(written(ch2).startsWith("HTTP/1.1 413"));
    after(ch2, IDLE_S - 1);
    assertTrue(ch2.isOpen(), "its body arrived, so the connection is idle, not late");
    after(ch2, 2);
    assertFalse(ch2.isOpen());
  }

  @Test
  void zeroTurnsBothLimitsOff() {
    EmbeddedChannel ch = channel(0, 0);
    send(ch, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    after(ch, Duration.ofDays(2).toSeconds());
    assertTrue(ch.isOpen());
    assertNull(ch.readOutbound());
    assertFalse(ch.finishAndReleaseAll());
  }
}
