package dev.postbox.http.server;

import dev.postbox.http.error.ErrorResponses;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import java.util.concurrent.ExecutorService;

/**
 * Pipeline: HTTP codec, connection timeouts (408 for a request that does not arrive in time, close
 * when idle), aggregation up to the body limit (413 beyond), then the API handler.
 */
final class BrokerChannelInitializer extends ChannelInitializer<SocketChannel> {
  static final int MAX_INITIAL_LINE = 64 * 1024;
  static final int MAX_HEADER_SIZE = 64 * 1024;

  private final ApiRouter router;
  private final ExecutorService blockingPool;
  private final ServerLimits limits;

  BrokerChannelInitializer(ApiRouter router, ExecutorService blockingPool, ServerLimits limits) {
    this.router = router;
    this.blockingPool = blockingPool;
    this.limits = limits;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline()
        .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192))
        .addLast(
            new ConnectionTimeouts(
                limits.requestTimeout().toNanos(), limits.idleTimeout().toNanos()))
        .addLast(new JsonTooLargeAggregator(limits.maxBodyBytes()))
        .addLast(new BrokerHttpHandler(router, blockingPool));
  }

  /** Answers an oversized body with our JSON error instead of Netty's empty 413. */
  static final class JsonTooLargeAggregator extends HttpObjectAggregator {
    private final int max;

    JsonTooLargeAggregator(int max) {
      super(max, true);
      this.max = max;
    }

    /**
     * Answers 413 with our JSON error. Like Netty's own handler, a keep-alive request keeps its
     * connection: the aggregator discards the rest of the body, so a client still sending it can
     * read the answer instead of meeting a reset. Other requests are closed after the answer.
     */
    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      boolean keepAlive = HttpUtil.isKeepAlive(oversized);
      ApiResponse r =
          ErrorResponses.of(413, "request body is larger than the limit of " + max + " bytes");
      boolean keep = keepAlive && !(oversized instanceof FullHttpMessage);
      ctx.writeAndFlush(BrokerHttpHandler.toNetty(r, keep))
          .addListener(keep ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
    }
  }
}
