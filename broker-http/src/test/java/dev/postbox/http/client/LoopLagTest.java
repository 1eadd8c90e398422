package dev.postbox.http.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.nio.NioEventLoopGroup;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopLagTest {
  @Test
  void aLoopStuckInATaskShowsAsLagWhileStuckAndNotAfter() throws Exception {
    NioEventLoopGroup group = new NioEventLoopGroup(2);
    try {
      LoopLag lag = new LoopLag(group);
      CountDownLatch running = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      group
          .next()
          .execute(
              () -> {
                running.countDown();
                try {
                  release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      assertTrue(running.await(10, TimeUnit.SECONDS));
      long stuckSince = System.nanoTime();
      // Bounded wait until the stuck loop has left a probe unrun for 50 ms; the other runs its own.
      while (lag.nanos() < TimeUnit.MILLISECONDS.toNanos(50)
          && System.nanoTime() - stuckSince < TimeUnit.SECONDS.toNanos(5)) {
        Thread.sleep(1);
      }
      assertTrue(lag.nanos() >= TimeUnit.MILLISECONDS.toNanos(50), "the stuck loop is seen now");
      release.countDown();
      long freed = System.nanoTime();
      while (lag.nanos() > TimeUnit.MILLISECONDS.toNanos(20)
          && System.nanoTime() - freed < TimeUnit.SECONDS.toNanos(5)) {
        Thread.sleep(1);
      }
      assertTrue(lag.nanos() <= TimeUnit.MILLISECONDS.toNanos(20), "caught up again");
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
