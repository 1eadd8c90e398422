package dev.postbox.bench;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A Netty HTTP server on 127.0.0.1 (the same kind as {@link HttpSink}) whose routes answer when a
 * future completes: a route may make its own HTTP calls before it answers, without holding a thread
 * while they run. Requests to a path with no route are answered 404.
 */
final class AsyncReceiver implements AutoCloseable {
  /** One path's handler. */
  @FunctionalInterface
  interface Route {
    /**
     * Reads what it needs of {@code req} before it returns (the request is released then), and
     * completes with the status to answer.
     */
    CompletableFuture<Integer> handle(FullHttpRequest req);
  }

  private record Entry(Route route, Map<String, String> replyHeaders) {}

  private final EventLoopGroup boss = new NioEventLoopGroup(1);
  private final EventLoopGroup workers = new NioEventLoopGroup(2);
  private final Map<String, Entry> routes = new ConcurrentHashMap<>();
  private final Channel channel;

  AsyncReceiver() throws InterruptedException {
    ChannelHandler handler = new Handler();
    channel = LoopbackHttp.bind(boss, workers, 0, 16 << 20, handler);
  }

  /** Serves {@code path} (exact, query ignored), adding {@code replyHeaders} to every answer. */
  void route(String path, Map<String, String> replyHeaders, Route route) {
    routes.put(path, new Entry(route, replyHeaders));
  }

  String url(String path) {
    return "http://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort() + path;
  }

  @ChannelHandler.Sharable
  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      String uri = req.uri();
      int q = uri.indexOf('?');
      Entry entry = routes.get(q < 0 ? uri : uri.substring(0, q));
      if (entry == null) {
        reply(ctx, 404, Map.of(), keepAlive);
        return;
      }
      CompletableFuture<Integer> status;
      try {
        status = entry.route().handle(req);
      } catch (RuntimeException e) {
        status = CompletableFuture.completedFuture(500);
      }
      status.whenComplete(
          (s, e) -> reply(ctx, e == null ? s : 500, entry.replyHeaders(), keepAlive));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static void reply(
      ChannelHandlerContext ctx, int status, Map<String, String> headers, boolean keepAlive) {
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER);
    headers.forEach((k, v) -> res.headers().set(k, v));
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (keepAlive) {
      ctx.writeAndFlush(res);
    } else {
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
