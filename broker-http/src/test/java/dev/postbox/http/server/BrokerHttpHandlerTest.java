package dev.postbox.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BrokerHttpHandlerTest {
  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private final CompletableFuture<ApiResponse> slow = new CompletableFuture<>();

  private final ApiRouter router =
      req -> {
        switch (req.rawPath()) {
          case "/echo":
            return new ApiRouter.Route(
                r ->
                    CompletableFuture.completedFuture(
                        ApiResponse.json(200, r.method() + " " + new String(r.body()))),
                false);
          case "/slow":
            return new ApiRouter.Route(r -> slow, false);
          case "/boom":
            return new ApiRouter.Route(
                r -> {
                  throw new IllegalStateException("bug");
                },
                false);
          default:
            return null;
        }
      };

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static DefaultFullHttpRequest request(String uri, String body) {
    return new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_1,
        HttpMethod.POST,
        uri,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
  }

  private static String text(FullHttpResponse r) {
    try {
      return r.status().code() + " " + r.content().toString(StandardCharsets.UTF_8);
    } finally {
      r.release();
    }
  }

  @Test
  void answersTheRoutedHandler() {
    EmbeddedChannel ch = new EmbeddedChannel(new BrokerHttpHandler(router, pool));
    ch.writeInbound(request("/echo", "hi"));
    assertEquals("200 POST hi", text(ch.readOutbound()));
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void unknownPathIsAJson404AndAHandlerBugIsAJson500() {
    EmbeddedChannel ch = new EmbeddedChannel(new BrokerHttpHandler(router, pool));
    ch.writeInbound(request("/nope", ""));
    assertEquals("404 {\"error\":\"not found\"}", text(ch.readOutbound()));
    ch.writeInbound(request("/boom", ""));
    assertEquals("500 {\"error\":\"internal error\"}", text(ch.readOutbound()));
    assertFalse(ch.finishAndReleaseAll());
  }

  @Test
  void pipelinedResponsesKeepRequestOrder() {
    EmbeddedChannel ch = new EmbeddedChannel(new BrokerHttpHandler(router, pool));
    ch.writeInbound(request("/slow", ""));
    ch.writeInbound(request("/echo", "second"));
    assertNull(ch.readOutbound(), "second answer must wait for the first");
    slow.complete(ApiResponse.json(200, "first"));
    ch.runPendingTasks();
    assertEquals("200 first", text(ch.readOutbound()));
    assertEquals("200 POST second", text(ch.readOutbound()));
    assertTrue(ch.isOpen());
    assertFalse(ch.finishAndReleaseAll());
  }
}
