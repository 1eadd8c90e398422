package dev.postbox.http.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelPool;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * One pool of keep-alive connections per {@link Origin}, created on first use. A new connection
 * gets TLS with host name verification (for https), an idle timeout, the HTTP codec and a {@link
 * ResponseCollector}. Thread-safe.
 */
final class OriginPools {
  private static final int IDLE_SECONDS = 60;

  private final Bootstrap bootstrap;
  private final int maxResponseBytes;
  private final ConcurrentHashMap<Origin, ChannelPool> pools = new ConcurrentHashMap<>();
  // Built on the first https delivery: the JDK's TLS set-up costs ~0.3 s of start-up otherwise.
  private volatile SslContext ssl;

  /**
   * @param bootstrap connects new connections (its remote address is set per origin)
   * @param maxResponseBytes response body bytes kept per attempt; the rest is dropped
   */
  OriginPools(Bootstrap bootstrap, int maxResponseBytes) {
    this.bootstrap = bootstrap;
    this.maxResponseBytes = maxResponseBytes;
  }

  ChannelPool pool(Origin origin) {
    return pools.computeIfAbsent(origin, this::newPool);
  }

  private ChannelPool newPool(Origin origin) {
    return new SimpleChannelPool(
        bootstrap.clone().remoteAddress(origin.host(), origin.port()),
        new AbstractChannelPoolHandler() {
          @Override
          public void channelCreated(Channel ch) throws SSLException {
            if (origin.https()) {
              SSLEngine engine = ssl().newEngine(ch.alloc(), origin.host(), origin.port());
              SSLParameters params = engine.getSSLParameters();
              params.setEndpointIdentificationAlgorithm("HTTPS");
              engine.setSSLParameters(params);
              ch.pipeline().addLast(new SslHandler(engine));
            }
            ch.pipeline()
                .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS))
                .addLast(new HttpClientCodec())
                .addLast(new ResponseCollector(maxResponseBytes));
          }
        });
  }

  private SslContext ssl() throws SSLException {
    SslContext s = ssl;
    if (s == null) {
      synchronized (this) {
        s = ssl;
        if (s == null) {
          s = SslContextBuilder.forClient().build();
          ssl = s;
        }
      }
    }
    return s;
  }

  /** Closes every pool (and so its idle connections). */
  void close() {
    pools.values().forEach(ChannelPool::close);
  }
}
