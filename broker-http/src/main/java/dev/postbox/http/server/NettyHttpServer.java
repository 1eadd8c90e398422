package dev.postbox.http.server;

import dev.postbox.http.transport.NettyTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Binds the HTTP API to a host and port; {@link #close()} stops accepting and drains.
 *
 * <p>Binding can come first: {@link #bind} listens before the routes exist (so a port in use fails
 * start-up before anything is written to disk) and answers {@code 503 {"error":"starting"}} until
 * {@link #serve} installs them.
 */
public final class NettyHttpServer implements AutoCloseable {
  private final EventLoopGroup boss = NettyTransport.current().group(1, null);
  private final EventLoopGroup workers;
  private final Routing routing;
  private final Channel channel;

  /** Binds and serves {@code router} at once. */
  public NettyHttpServer(
      String host, int port, ApiRouter router, ExecutorService blockingPool, ServerLimits limits)
      throws InterruptedException {
    this(host, port, limits, new Routing());
    serve(router, blockingPool);
  }

  private NettyHttpServer(String host, int port, ServerLimits limits, Routing routing)
      throws InterruptedException {
    this.routing = routing;
    this.workers =
        NettyTransport.current()
            .group(Math.max(2, Runtime.getRuntime().availableProcessors()), null);
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NettyTransport.current().serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new BrokerChannelInitializer(routing, limits));
    Channel bound;
    try {
      bound = b.bind(host, port).sync().channel();
    } catch (Exception e) { // sync() rethrows the bind failure (a checked BindException) as is
      shutDownGroups();
      if (e instanceof InterruptedException) {
        throw (InterruptedException) e;
      }
      throw new IllegalStateException(
          "cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    this.channel = bound;
  }

  /**
   * Listens on {@code host:port} with no routes yet: every request is answered {@code 503} until
   * {@link #serve}.
   *
   * @param port the port, 0 for any free one ({@link #port()} tells which)
   * @throws IllegalStateException when the port cannot be bound (in use, not permitted)
   */
  public static NettyHttpServer bind(String host, int port, ServerLimits limits)
      throws InterruptedException {
    return new NettyHttpServer(host, port, limits, new Routing());
  }

  /**
   * As {@link #bind(String, int, ServerLimits)}, but answers with {@code whileStarting} until
   * {@link #serve}: its routes must not block.
   */
  public static NettyHttpServer bind(
      String host, int port, ServerLimits limits, ApiRouter whileStarting)
      throws InterruptedException {
    return new NettyHttpServer(host, port, limits, new Routing(whileStarting));
  }

  /**
   * Starts answering with {@code router}, also on connections opened before (their next requests).
   *
   * @param blockingPool where routes that may block run
   * @throws IllegalStateException when routes are served already
   */
  public void serve(ApiRouter router, ExecutorService blockingPool) {
    routing.install(router, blockingPool);
  }

  private void shutDownGroups() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Stops accepting new connections; open connections close as the event loops shut down. */
  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    shutDownGroups();
  }
}
