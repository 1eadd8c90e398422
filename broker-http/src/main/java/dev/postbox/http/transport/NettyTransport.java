package dev.postbox.http.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Which Netty transport the server and the deliverer run on: Linux's io_uring where it is available
 * (its native library loads, on x86-64 or arm64, and the kernel and any seccomp profile allow it),
 * else Linux's native epoll (x86-64 and arm64), else the JDK's NIO selector. io_uring and epoll
 * answer the same requests with fewer system calls and less garbage than NIO, io_uring with the
 * least CPU (docs/benchmarks.md#the-io_uring-transport); all three behave the same otherwise.
 * {@code -Dpostbox.transport=epoll} or {@code nio} picks one (when it is available).
 */
public enum NettyTransport {
  IO_URING,
  EPOLL,
  NIO;

  /** The transport this process uses, decided once. */
  public static NettyTransport current() {
    return Holder.CURRENT;
  }

  private static final class Holder {
    static final NettyTransport CURRENT = choose(System.getProperty("postbox.transport"));
  }

  /**
   * The transport for {@code -Dpostbox.transport} ({@code io_uring}, {@code epoll} or {@code nio};
   * null or any other value: the best available): the one named if it is available, else the best
   * available after it in that order.
   */
  static NettyTransport choose(String wanted) {
    return choose(wanted, NettyTransport::available);
  }

  /** {@link #choose(String)}, with {@code available} telling which transports can run. */
  static NettyTransport choose(String wanted, Predicate<NettyTransport> available) {
    NettyTransport from = IO_URING;
    for (NettyTransport t : values()) {
      if (t.name()
          .replace("_", "")
          .equalsIgnoreCase(wanted == null ? "" : wanted.replace("_", ""))) {
        from = t;
      }
    }
    for (NettyTransport t : values()) {
      if (t.ordinal() >= from.ordinal() && available.test(t)) {
        return t;
      }
    }
    return NIO;
  }

  /** Whether this transport can run in this process. */
  public boolean available() {
    switch (this) {
      case IO_URING:
        return loads(IoUring::isAvailable);
      case EPOLL:
        return loads(Epoll::isAvailable);
      default:
        return true;
    }
  }

  private static boolean loads(BooleanSupplier check) {
    try {
      return check.getAsBoolean();
    } catch (LinkageError e) { // the native library is for another platform
      return false;
    }
  }

  /** An event loop group of {@code threads} threads made by {@code threads} (null: Netty's). */
  public EventLoopGroup group(int threads, ThreadFactory factory) {
    return new MultiThreadIoEventLoopGroup(threads, factory, ioHandler());
  }

  private IoHandlerFactory ioHandler() {
    switch (this) {
      case IO_URING:
        return IoUringIoHandler.newFactory();
      case EPOLL:
        return EpollIoHandler.newFactory();
      default:
        return NioIoHandler.newFactory();
    }
  }

  public Class<? extends ServerSocketChannel> serverChannel() {
    switch (this) {
      case IO_URING:
        return IoUringServerSocketChannel.class;
      case EPOLL:
        return EpollServerSocketChannel.class;
      default:
        return NioServerSocketChannel.class;
    }
  }

  public Class<? extends SocketChannel> socketChannel() {
    switch (this) {
      case IO_URING:
        return IoUringSocketChannel.class;
      case EPOLL:
        return EpollSocketChannel.class;
      default:
        return NioSocketChannel.class;
    }
  }
}
