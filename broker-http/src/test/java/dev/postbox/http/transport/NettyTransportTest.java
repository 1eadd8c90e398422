package dev.postbox.http.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NettyTransportTest {
  @Test
  void onLinuxTheEpollTransportLoadsFromTheDependencies() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("aarch64")));
    assumeTrue(System.getProperty("postbox.transport") == null);
    NettyTransport t = NettyTransport.current();
    assertEquals(NettyTransport.EPOLL, t);
    assertEquals(EpollServerSocketChannel.class, t.serverChannel());
    assertEquals(EpollSocketChannel.class, t.socketChannel());
    EventLoopGroup group = t.group(1, null);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void nioIsTheOtherChoice() {
    assertEquals(NioServerSocketChannel.class, NettyTransport.NIO.serverChannel());
    assertEquals(NioSocketChannel.class, NettyTransport.NIO.socketChannel());
  }
}
