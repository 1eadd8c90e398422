package dev.postbox.http.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class NettyTransportTest {
  private static void assumeLinux(String... arches) {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    assumeTrue(os.contains("linux") && List.of(arches).contains(System.getProperty("os.arch")));
  }

  private static void startsAndStops(NettyTransport t) {
    EventLoopGroup group = t.group(1, null);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void onLinuxTheEpollTransportLoadsFromTheDependencies() {
    assumeLinux("amd64", "aarch64");
    assertTrue(NettyTransport.EPOLL.available());
    assertEquals(NettyTransport.EPOLL, NettyTransport.choose("epoll"));
    assertEquals(EpollServerSocketChannel.class, NettyTransport.EPOLL.serverChannel());
    assertEquals(EpollSocketChannel.class, NettyTransport.EPOLL.socketChannel());
    startsAndStops(NettyTransport.EPOLL);
  }

  @Test
  void ioUringIsTheDefaultWhereTheKernelAllowsIt() {
    assumeLinux("amd64", "aarch64");
    assumeTrue(NettyTransport.IO_URING.available(), "io_uring is not allowed here");
    assertEquals(NettyTransport.IO_URING, NettyTransport.choose(null));
    assertEquals(NettyTransport.IO_URING, NettyTransport.choose("io_uring"));
    assertEquals(NettyTransport.IO_URING, NettyTransport.choose("iouring"));
    assertEquals(IoUringServerSocketChannel.class, NettyTransport.IO_URING.serverChannel());
    assertEquals(IoUringSocketChannel.class, NettyTransport.IO_URING.socketChannel());
    startsAndStops(NettyTransport.IO_URING);
  }

  @Test
  void aTransportThatCannotRunFallsBackToTheNextOne() {
    NettyTransport best = NettyTransport.choose(null);
    assertTrue(best.available());
    assertEquals(best, NettyTransport.choose("no-such-transport"));
    // io_uring refused (a seccomp profile, an old kernel): epoll; neither: NIO
    Predicate<NettyTransport> noUring = t -> t != NettyTransport.IO_URING;
    assertEquals(NettyTransport.EPOLL, NettyTransport.choose(null, noUring));
    assertEquals(NettyTransport.EPOLL, NettyTransport.choose("io_uring", noUring));
    Predicate<NettyTransport> nioOnly = t -> t == NettyTransport.NIO;
    assertEquals(NettyTransport.NIO, NettyTransport.choose(null, nioOnly));
    assertEquals(NettyTransport.NIO, NettyTransport.choose("epoll", nioOnly));
    // a transport named explicitly is never swapped for a better one
    assertEquals(NettyTransport.NIO, NettyTransport.choose("nio", t -> true));
    assertEquals(NettyTransport.EPOLL, NettyTransport.choose("EPOLL", t -> true));
  }

  @Test
  void nioIsTheOtherChoice() {
    assertEquals(NettyTransport.NIO, NettyTransport.choose("nio"));
    assertEquals(NioServerSocketChannel.class, NettyTransport.NIO.serverChannel());
    assertEquals(NioSocketChannel.class, NettyTransport.NIO.socketChannel());
    startsAndStops(NettyTransport.NIO);
  }
}
