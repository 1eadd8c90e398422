package dev.postbox.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/** The bench's receivers' HTTP server: on 127.0.0.1, whole requests up to a size to a handler. */
final class LoopbackHttp {
  private LoopbackHttp() {}

  /** Binds 127.0.0.1:{@code port} (0: any free port); {@code handler} must be sharable. */
  static Channel bind(
      EventLoopGroup boss,
      EventLoopGroup workers,
      int port,
      int maxContentBytes,
      ChannelHandler handler)
      throws InterruptedException {
    return new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpObjectAggregator(maxContentBytes))
                    .addLast(handler);
              }
            })
        .bind("127.0.0.1", port)
        .sync()
        .channel();
  }
}
