package dev.postbox.http.server;

import dev.postbox.http.error.ErrorResponses;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each {@link FullHttpRequest} into an {@link ApiRequest}, hands it to the routed handler
 * (off the event loop when the route may block) and writes the answer back once. Responses on one
 * connection go out in request order even when handlers finish out of order (HTTP pipelining).
 * Never blocks the event loop.
 */
final class BrokerHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerHttpHandler.class);

  private final Routing routing;

  // Touched only on this channel's event loop.
  private long nextSeq;
  private long nextToWrite;
  private final TreeMap<Long, Finished> finished = new TreeMap<>();

  BrokerHttpHandler(ApiRouter router, ExecutorService blockingPool) {
    this(Routing.of(router, blockingPool));
  }

  /** With routes that may be installed later: until then every request is answered 503. */
  BrokerHttpHandler(Routing routing) {
    this.routing = routing;
  }

  private record Finished(ApiResponse response, boolean keepAlive) {}

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    long seq = nextSeq++;
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (req.decoderResult().isFailure()) {
      complete(ctx, seq, malformed(req), false);
      return;
    }
    Routing.Installed routes = routing.current();
    if (routes == null) {
      complete(ctx, seq, ErrorResponses.of(503, "starting"), keepAlive);
      return;
    }
    ApiRequest api = toApiRequest(ctx, req);
    CompletableFuture<ApiResponse> result;
    try {
      ApiRouter.Route route = routes.router().route(api);
      if (route == null) {
        result = CompletableFuture.completedFuture(ErrorResponses.of(404, "not found"));
      } else if (route.blocking()) {
        result =
            CompletableFuture.supplyAsync(() -> invoke(route, api), routes.blockingPool())
                .thenCompose(f -> f);
      } else {
        result = invoke(route, api);
      }
    } catch (RejectedExecutionException e) {
      result = CompletableFuture.completedFuture(ErrorResponses.of(503, "server is busy"));
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete(
        (res, err) -> {
          ApiResponse out = err == null ? res : ErrorResponses.of(err);
          if (ctx.executor().inEventLoop()) {
            complete(ctx, seq, out, keepAlive);
          } else {
            ctx.executor().execute(() -> complete(ctx, seq, out, keepAlive));
          }
        });
  }

  /**
   * The answer to a request the codec could not read: 431 for headers over the header limit, 414
   * for a request line over the line limit, 400 otherwise. Netty also reports a chunk size line
   * over the limit as a line too long; that one comes after the head, so the request has headers
   * (at least the Content-Length the aggregator sets), while a request whose first line failed has
   * none: only the latter is a 414.
   */
  static ApiResponse malformed(FullHttpRequest req) {
    Throwable cause = req.decoderResult().cause();
    if (cause instanceof TooLongHttpHeaderException) {
      return ErrorResponses.of(
          431,
          "request headers are larger than the limit of "
              + BrokerChannelInitializer.MAX_HEADER_SIZE
              + " bytes");
    }
    if (cause instanceof TooLongHttpLineException && req.headers().isEmpty()) {
      return ErrorResponses.of(
          414,
          "request line (method, URI, version) is longer than the limit of "
              + BrokerChannelInitializer.MAX_INITIAL_LINE
              + " bytes");
    }
    return ErrorResponses.of(400, "malformed HTTP request");
  }

  private static CompletableFuture<ApiResponse> invoke(ApiRouter.Route route, ApiRequest api) {
    try {
      CompletableFuture<ApiResponse> f = route.handler().handle(api);
      return f == null ? CompletableFuture.failedFuture(new IllegalStateException("null")) : f;
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void complete(ChannelHandlerContext ctx, long seq, ApiResponse res, boolean keepAlive) {
    finished.put(seq, new Finished(res, keepAlive));
    while (!finished.isEmpty() && finished.firstKey() == nextToWrite) {
      Finished f = finished.pollFirstEntry().getValue();
      nextToWrite++;
      ChannelFuture written = ctx.writeAndFlush(toNetty(f.response(), f.keepAlive()));
      if (!f.keepAlive()) {
        written.addListener(ChannelFutureListener.CLOSE);
        finished.clear();
        return;
      }
    }
  }

  /** The Netty response for {@code r}; {@code Connection: close} unless {@code keepAlive}. */
  static FullHttpResponse toNetty(ApiResponse r, boolean keepAlive) {
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()),
            Unpooled.wrappedBuffer(r.body()));
    if (r.contentType() != null) {
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    }
    r.headers().forEach((k, v) -> res.headers().set(k, v));
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    if (!keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return res;
  }

  private static ApiRequest toApiRequest(ChannelHandlerContext ctx, FullHttpRequest req) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : req.headers()) {
      headers
          .computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1))
          .add(h.getValue());
    }
    return new ApiRequest(
        req.method().name().toUpperCase(Locale.ROOT),
        req.uri(),
        headers,
        ByteBufUtil.getBytes(req.content()),
        remoteIp(ctx.channel().remoteAddress()));
  }

  private static String remoteIp(SocketAddress address) {
    if (address instanceof InetSocketAddress) {
      InetSocketAddress inet = (InetSocketAddress) address;
      return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
    }
    return "unknown";
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("closing connection after error", cause);
    ctx.close();
  }
}
