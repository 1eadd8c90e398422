package dev.postbox.http.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * Which Netty transport the server and the deliverer run on: Linux's native epoll where its library
 * loads (Linux on x86-64 or arm64), else the JDK's NIO selector. Epoll answers the same requests
 * with fewer system calls and less garbage
 * (docs/benchmarks.md#the-calm-sync-and-the-epoll-transport); the two behave the same otherwise.
 * {@code -Dpostbox.transport=nio} forces NIO.
 */
public enum NettyTransport {
  EPOLL,
  NIO;

  /** The transport this process uses, decided once. */
  public static NettyTransport current() {
    return Holder.CURRENT;
  }

  private static final class Holder {
    static final NettyTransport CURRENT = choose();

    private static NettyTransport choose() {
      if ("nio".equalsIgnoreCase(System.getProperty("postbox.transport"))) {
        return NIO;
      }
      try {
        return Epoll.isAvailable() ? EPOLL : NIO;
      } catch (LinkageError e) { // the native library is for another platform
        return NIO;
      }
    }
  }

  /** An event loop group of {@code threads} threads made by {@code threads} (null: Netty's). */
  public EventLoopGroup group(int threads, ThreadFactory factory) {
    return this == EPOLL
        ? new EpollEventLoopGroup(threads, factory)
        : new NioEventLoopGroup(threads, factory);
  }

  public Class<? extends ServerSocketChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public Class<? extends SocketChannel> socketChannel() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
