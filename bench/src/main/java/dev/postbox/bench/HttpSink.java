package dev.postbox.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal Netty HTTP server on 127.0.0.1 that answers 200 to everything. As the baseline it does
 * nothing else (the ceiling for any HTTP server here); as the benchmark's receiver it also counts
 * deliveries and, when asked, records when each message id arrived.
 */
final class HttpSink implements AutoCloseable {
  private static final byte[] OK = "ok".getBytes();

  private final EventLoopGroup boss = new NioEventLoopGroup(1);
  private final EventLoopGroup workers = new NioEventLoopGroup(2);
  private final Channel channel;
  private final boolean record;
  private final long replyDelayMillis;
  final AtomicLong count = new AtomicLong();
  final ConcurrentHashMap<String, Long> arrivals = new ConcurrentHashMap<>();

  /** Deliveries per message id (the chaos ledger), when {@link #trackArrivals} is on. */
  final ConcurrentHashMap<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

  /** Every arrival time (nanos) per message id, when {@link #trackArrivals} is on. */
  final ConcurrentHashMap<String, ConcurrentLinkedQueue<Long>> arrivalTimes =
      new ConcurrentHashMap<>();

  volatile boolean trackArrivals;

  /**
   * With {@link #trackArrivals}: the body every delivery to a path starting with {@link
   * #expectBodyAt} must carry; those that carry another are counted in {@link #wrongBodies}. Null:
   * not checked.
   */
  volatile byte[] expectBody;

  volatile String expectBodyAt = "/";

  final AtomicLong wrongBodies = new AtomicLong();

  /**
   * Schedule ticks as {offset second, arrival epoch ms}, for requests to {@code /sched/<second>},
   * when {@link #trackTicks} is on.
   */
  final ConcurrentLinkedQueue<long[]> ticks = new ConcurrentLinkedQueue<>();

  volatile boolean trackTicks;

  /** {path, arrival nanos} of requests whose path starts with {@link #trackPrefix}, in order. */
  final ConcurrentLinkedQueue<Object[]> pathArrivals = new ConcurrentLinkedQueue<>();

  volatile String trackPrefix;

  HttpSink(boolean record) throws InterruptedException {
    this(record, 0, 0);
  }

  /**
   * @param port port to bind on 127.0.0.1 (0: any free port)
   * @param replyDelayMillis answer each request this late (without blocking a thread)
   */
  HttpSink(boolean record, int port, long replyDelayMillis) throws InterruptedException {
    this.record = record;
    this.replyDelayMillis = replyDelayMillis;
    ChannelHandler handler = new Handler();
    channel = LoopbackHttp.bind(boss, workers, port, 1 << 20, handler);
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  @ChannelHandler.Sharable
  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (record) {
        count.incrementAndGet();
        String prefix = trackPrefix;
        if (prefix != null && req.uri().startsWith(prefix)) {
          pathArrivals.add(new Object[] {req.uri(), System.nanoTime()});
        }
        if (trackTicks && req.uri().startsWith("/sched/")) {
          ticks.add(
              new long[] {Long.parseLong(req.uri().substring(7)), System.currentTimeMillis()});
        }
        if (trackArrivals) {
          String id = req.headers().get("Upstash-Message-Id");
          if (id != null) {
            byte[] expected = expectBody;
            if (expected != null
                && req.uri().startsWith(expectBodyAt)
                && !ByteBufUtil.equals(req.content(), Unpooled.wrappedBuffer(expected))) {
              wrongBodies.incrementAndGet();
            }
            long now = System.nanoTime();
            arrivals.putIfAbsent(id, now);
            arrivalTimes.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>()).add(now);
            deliveries.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
          }
        }
      }
      ByteBuf body = record ? Unpooled.wrappedBuffer(OK) : Unpooled.EMPTY_BUFFER;
      FullHttpResponse res =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      Runnable reply =
          () -> {
            if (keepAlive) {
              ctx.writeAndFlush(res);
            } else {
              ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
          };
      if (replyDelayMillis > 0) {
        ctx.executor().schedule(reply, replyDelayMillis, TimeUnit.MILLISECONDS);
      } else {
        reply.run();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
