package dev.postbox.http.server;

import dev.postbox.http.error.ErrorResponses;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Closes connections that hold the server without using it, so slow or stalled clients cannot pile
 * up (slowloris). Sits between the HTTP codec and the body aggregator, where it sees each request's
 * head and end and each response's end:
 *
 * <ul>
 *   <li><b>idle</b>: no request under way and none being answered (after connecting, or after the
 *       last answer went out): closed after {@code idleNanos}, silently. A request head that
 *       trickles in never completes, so this also ends a slow header.
 *   <li><b>receiving</b>: a request head arrived but not yet its whole body: answered {@code 408}
 *       with a JSON error and closed after {@code requestNanos}.
 *   <li><b>answering</b>: every received request not yet answered: no limit (the broker's own work,
 *       bounded by its handlers).
 * </ul>
 *
 * Idle time counts from when the last answer was handed to the socket, not from when the client
 * finished reading it, so a client that never reads its answer is closed too (and one that takes
 * longer than the idle time to read a large answer is cut off). A zero duration turns that limit
 * off. All state is touched only on the channel's event loop.
 */
final class ConnectionTimeouts extends ChannelDuplexHandler {
  private final long requestNanos;
  private final long idleNanos;
  private final LongSupplier nanoClock;

  private long started; // request heads read
  private long answered; // final responses written
  private boolean receiving;

  // The limit that runs now: when it runs out (0: none) and which it is. One timer at most, firing
  // at or before that time; a request's head and end and each answer only move the deadline, so
  // the hot path schedules nothing in the common case (the timer re-arms itself when it fires
  // early).
  private long deadline;
  private boolean requestLimit;
  private ScheduledFuture<?> timer;
  private long timerAt;

  ConnectionTimeouts(long requestNanos, long idleNanos) {
    this(requestNanos, idleNanos, System::nanoTime);
  }

  /** With the clock that deadlines are read from (tests move it with the channel's own). */
  ConnectionTimeouts(long requestNanos, long idleNanos, LongSupplier nanoClock) {
    this.requestNanos = requestNanos;
    this.idleNanos = idleNanos;
    this.nanoClock = nanoClock;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      limit(ctx, idleNanos, false);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    limit(ctx, idleNanos, false);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    deadline = 0;
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    deadline = 0;
    cancel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      started++;
      receiving = true;
      limit(ctx, requestNanos, true);
    }
    if (msg instanceof LastHttpContent && receiving) {
      receiving = false;
      if (answered >= started) { // answered before its body ended (413): idle again
        limit(ctx, idleNanos, false);
      } else {
        deadline = 0; // being answered: no limit
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean finalResponseEnd =
        msg instanceof LastHttpContent
            && !(msg instanceof HttpResponse
                && ((HttpResponse) msg).status().codeClass() == HttpStatusClass.INFORMATIONAL);
    ctx.write(msg, promise);
    if (finalResponseEnd) {
      answered++;
      if (answered >= started && !receiving) {
        limit(ctx, idleNanos, false);
      }
    }
  }

  private void limit(ChannelHandlerContext ctx, long nanos, boolean request) {
    requestLimit = request;
    if (nanos <= 0) {
      deadline = 0;
      return;
    }
    deadline = nanoClock.getAsLong() + nanos;
    if (timer == null || deadline - timerAt < 0) { // none yet, or it would fire too late
      cancel();
      schedule(ctx, nanos);
    }
  }

  private void schedule(ChannelHandlerContext ctx, long nanos) {
    timerAt = nanoClock.getAsLong() + nanos;
    timer = ctx.executor().schedule(() -> check(ctx), nanos, TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void check(ChannelHandlerContext ctx) {
    timer = null;
    if (deadline == 0 || !ctx.channel().isActive()) {
      return;
    }
    long left = deadline - nanoClock.getAsLong();
    if (left > 0) {
      schedule(ctx, left); // the deadline moved on since this timer was set
    } else {
      deadline = 0;
      expire(ctx, requestLimit);
    }
  }

  private void expire(ChannelHandlerContext ctx, boolean request) {
    if (request && receiving && answered == started - 1) {
      // Only this request is outstanding, so its answer is next in order.
      ApiResponse r =
          ErrorResponses.of(
              408,
              "request not received in full within "
                  + Duration.ofNanos(requestNanos).toMillis()
                  + " ms; closing the connection");
      ctx.writeAndFlush(BrokerHttpHandler.toNetty(r, false))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (request ? receiving : answered >= started && !receiving) {
      ctx.close();
    }
  }
}
