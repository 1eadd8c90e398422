package dev.postbox.http.server;

import dev.postbox.http.error.ErrorResponses;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * Pipeline: HTTP codec (a request head over its limits is answered 414 or 431 by the handler),
 * connection timeouts (408 for a request that does not arrive in time, close when idle),
 * aggregation up to the body limit (413 beyond), then the API handler.
 */
final class BrokerChannelInitializer extends ChannelInitializer<SocketChannel> {
  static final int MAX_INITIAL_LINE = 64 * 1024;
  static final int MAX_HEADER_SIZE = 64 * 1024;

  private final Routing routing;
  private final ServerLimits limits;

  BrokerChannelInitializer(Routing routing, ServerLimits limits) {
    this.routing = routing;
    this.limits = limits;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    addTo(ch.pipeline());
  }

  /** Adds the server's handlers to {@code pipeline} (tests use it on an embedded channel). */
  void addTo(ChannelPipeline pipeline) {
    pipeline
        .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192))
        .addLast(
            new ConnectionTimeouts(
                limits.requestTimeout().toNanos(), limits.idleTimeout().toNanos()))
        .addLast(new JsonTooLargeAggregator(limits.maxBodyBytes()))
        .addLast(new BrokerHttpHandler(routing));
  }

  /**
   * Answers an oversized body with our JSON error instead of Netty's empty 413, whether or not the
   * request asked {@code Expect: 100-continue} first.
   */
  static final class JsonTooLargeAggregator extends HttpObjectAggregator {
    private final int max;

    JsonTooLargeAggregator(int max) {
      super(max, true);
      this.max = max;
    }

    private ApiResponse tooLarge() {
      return ErrorResponses.of(413, "request body is larger than the limit of " + max + " bytes");
    }

    /**
     * For {@code Expect: 100-continue}, Netty answers {@code 100 Continue}, or {@code 417} for an
     * expectation it does not know, or an empty {@code 413} when the announced length is over the
     * limit: that one becomes our JSON 413. The connection is closed after it, as Netty does for a
     * failed expectation (the client may or may not send the body it announced).
     */
    @Override
    protected Object newContinueResponse(
        HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
      Object response = super.newContinueResponse(start, maxContentLength, pipeline);
      if (response instanceof HttpResponse && ((HttpResponse) response).status().code() == 413) {
        ReferenceCountUtil.release(response);
        return BrokerHttpHandler.toNetty(tooLarge(), false);
      }
      return response;
    }

    /**
     * Answers 413 with our JSON error. Like Netty's own handler, a keep-alive request keeps its
     * connection: the aggregator discards the rest of the body, so a client still sending it can
     * read the answer instead of meeting a reset. Other requests are closed after the answer.
     */
    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      boolean keepAlive = HttpUtil.isKeepAlive(oversized);
      ApiResponse r = tooLarge();
      boolean keep = keepAlive && !(oversized instanceof FullHttpMessage);
      ctx.writeAndFlush(BrokerHttpHandler.toNetty(r, keep))
          .addListener(keep ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
    }
  }
}
