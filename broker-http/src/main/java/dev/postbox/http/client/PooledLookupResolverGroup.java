package dev.postbox.http.client;

import dev.postbox.core.destination.DestinationPolicy;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resolves destination host names on a small thread pool, never on a delivery event loop. Netty's
 * default resolver calls the JDK's blocking lookup on the event loop that opens the connection, so
 * one destination whose DNS is slow (an unreachable name server, common in air-gapped networks)
 * would stall every delivery sharing that loop for the lookup's timeout. Lookups still go through
 * the JDK (its cache, {@code /etc/hosts}, the system's resolver configuration); only the waiting
 * moves off the loop. At most {@link #THREADS} lookups run at once; more wait their turn.
 *
 * <p>Every address a lookup answers (an address literal too: Netty hands those here as well) is
 * checked against the {@link DestinationPolicy}; one it denies fails the lookup with a {@link
 * DestinationRefusedException}, so no connection is opened to it.
 */
final class PooledLookupResolverGroup extends AddressResolverGroup<InetSocketAddress> {
  static final int THREADS = 16;

  /** A blocking host name lookup ({@link InetAddress#getAllByName} outside tests). */
  @FunctionalInterface
  interface Lookup {
    InetAddress[] all(String host) throws UnknownHostException;
  }

  private final Lookup lookup;
  private final DestinationPolicy policy;
  private final ThreadPoolExecutor pool;

  PooledLookupResolverGroup(Lookup lookup, DestinationPolicy policy) {
    this.lookup = lookup;
    this.policy = policy;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "postbox-dns-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true); // no threads while nothing is being resolved
  }

  @Override
  protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
    return new InetNameResolver(executor) {
      @Override
      protected void doResolve(String host, Promise<InetAddress> promise) {
        offload(promise, () -> allowed(host, lookup.all(host)[0]));
      }

      @Override
      protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
        offload(
            promise,
            () -> {
              List<InetAddress> all = List.of(lookup.all(host));
              all.forEach(a -> allowed(host, a));
              return all;
            });
      }
    }.asAddressResolver();
  }

  /** {@code address}, if the policy allows connecting to it. */
  private InetAddress allowed(String host, InetAddress address) {
    policy
        .deniedBy(host, address)
        .ifPresent(
            rule -> {
              throw new DestinationRefusedException(host, address, rule);
            });
    return address;
  }

  private interface Resolution<T> {
    T get() throws UnknownHostException;
  }

  private <T> void offload(Promise<T> promise, Resolution<T> resolution) {
    try {
      pool.execute(
          () -> {
            try {
              promise.trySuccess(resolution.get());
            } catch (UnknownHostException | RuntimeException e) {
              promise.tryFailure(e);
            }
          });
    } catch (RejectedExecutionException e) {
      promise.tryFailure(e); // closing
    }
  }

  @Override
  public void close() {
    super.close();
    pool.shutdownNow();
  }
}
