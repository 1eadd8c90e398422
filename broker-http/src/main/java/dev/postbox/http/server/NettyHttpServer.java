package dev.postbox.http.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Binds the HTTP API to a host and port; {@link #close()} stops accepting and drains. */
public final class NettyHttpServer implements AutoCloseable {
  private final EventLoopGroup boss = new NioEventLoopGroup(1);
  private final EventLoopGroup workers;
  private final Channel channel;

  public NettyHttpServer(
      String host, int port, ApiRouter router, ExecutorService blockingPool, ServerLimits limits)
      throws InterruptedException {
    this.workers = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()));
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new BrokerChannelInitializer(router, blockingPool, limits));
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
