package dev.postbox.http.client;

import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.message.Headers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Collects one response at a time on its connection; completes the attempt exactly once and hands
 * the connection back to the pool (or closes it). Runs on the connection's event loop.
 */
final class ResponseCollector extends ChannelInboundHandlerAdapter {
  private final int max;
  private CompletableFuture<DeliveryResponse> pending;
  private ChannelPool pool;
  private ScheduledFuture<?> timeout;
  private int status;
  private Map<String, List<String>> headers;
  private ByteArrayOutputStream body;
  private boolean keepAlive;

  /**
   * @param max response body bytes kept; the rest is dropped
   */
  ResponseCollector(int max) {
    this.max = max;
  }

  /** Starts an attempt: {@code f} completes with its response, or a failure after the timeout. */
  void begin(
      Channel ch, ChannelPool pool, CompletableFuture<DeliveryResponse> f, long timeoutMillis) {
    this.pending = f;
    this.pool = pool;
    this.status = 0;
    this.headers = null;
    this.body = new ByteArrayOutputStream();
    this.timeout =
        ch.eventLoop()
            .schedule(
                () -> fail(ch, "request timed out after " + timeoutMillis + "ms"),
                Math.max(1, timeoutMillis),
                TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (pending == null) {
        return; // nothing asked for: ignore
      }
      if (msg instanceof HttpResponse) {
        HttpResponse res = (HttpResponse) msg;
        status = res.status().code();
        keepAlive = HttpUtil.isKeepAlive(res);
        headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : res.headers()) {
          Headers.add(headers, h.getKey(), h.getValue());
        }
      }
      if (msg instanceof HttpContent) {
        ByteBuf content = ((HttpContent) msg).content();
        int take = Math.min(content.readableBytes(), max - body.size());
        if (take > 0) {
          byte[] chunk = new byte[take];
          content.getBytes(content.readerIndex(), chunk);
          body.write(chunk, 0, take);
        }
        if (msg instanceof LastHttpContent) {
          finish(
              ctx.channel(),
              new DeliveryResponse(status, headers, body.toByteArray(), null),
              keepAlive);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Ends the attempt under way, if any, as a transport failure and closes the connection. */
  void fail(Channel ch, String error) {
    if (pending != null) {
      finish(ch, DeliveryResponse.transportFailure(error), false);
    }
  }

  private void finish(Channel ch, DeliveryResponse response, boolean reusable) {
    CompletableFuture<DeliveryResponse> f = pending;
    ChannelPool p = pool;
    pending = null;
    pool = null;
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
    if (!reusable) {
      ch.close();
    }
    if (p != null) {
      p.release(ch);
    }
    if (f != null) {
      f.complete(response);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(ctx.channel(), "connection closed before the response was complete");
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx.channel(), NettyHttpDeliverer.describe(cause));
    ctx.close();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && pending == null) {
      ctx.close(); // an idle pooled connection
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }
}
