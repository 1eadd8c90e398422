package dev.postbox.redis.lettuce;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small fixed set of connections that every request shares, used round robin. Lettuce connections
 * are thread-safe and pipeline: commands from many requests are in flight on one connection at a
 * time. A connection is made on first use, and made again on use after an attempt failed (Redis was
 * down when Postbox started); once made, Lettuce reconnects it by itself.
 */
final class SharedConnections implements AutoCloseable {
  private final RedisClient client;
  private final RedisURI uri;
  private final AtomicReferenceArray<CompletableFuture<StatefulRedisConnection<byte[], byte[]>>>
      slots;
  private final AtomicInteger next = new AtomicInteger();

  SharedConnections(RedisClient client, RedisURI uri, int count) {
    this.client = client;
    this.uri = uri;
    this.slots = new AtomicReferenceArray<>(count);
  }

  /** The next connection, made now if it does not exist or its last attempt failed. */
  CompletableFuture<StatefulRedisConnection<byte[], byte[]>> next() {
    int i = Math.floorMod(next.getAndIncrement(), slots.length());
    while (true) {
      CompletableFuture<StatefulRedisConnection<byte[], byte[]>> current = slots.get(i);
      if (current != null && !current.isCompletedExceptionally()) {
        return current;
      }
      CompletableFuture<StatefulRedisConnection<byte[], byte[]>> attempt =
          new CompletableFuture<>();
      if (slots.compareAndSet(i, current, attempt)) {
        client
            .connectAsync(ByteArrayCodec.INSTANCE, uri)
            .whenComplete(
                (c, e) -> {
                  if (e != null) {
                    attempt.completeExceptionally(e);
                  } else {
                    attempt.complete(c);
                  }
                });
        return attempt;
      }
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < slots.length(); i++) {
      CompletableFuture<StatefulRedisConnection<byte[], byte[]>> c = slots.getAndSet(i, null);
      if (c != null) {
        c.thenAccept(StatefulRedisConnection::close);
      }
    }
  }
}
