package dev.postbox.redis.lettuce;

import dev.postbox.core.redis.CommandPolicy;
import dev.postbox.core.redis.RedisGateway;
import dev.postbox.core.redis.RedisReply;
import dev.postbox.core.redis.RedisUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.support.AsyncConnectionPoolSupport;
import io.lettuce.core.support.BoundedAsyncPool;
import io.lettuce.core.support.BoundedPoolConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The Redis gateway on Lettuce (Netty-based, asynchronous). Single commands and pipelines share
 * {@link #SHARED_CONNECTIONS} pipelined connections; a transaction, or a bounded blocking command,
 * takes a connection of its own from a bounded pool of {@link #MAX_DEDICATED} ({@code 503} when all
 * are taken). Replies are RESP2's (asked for explicitly: Lettuce would speak RESP3 to Redis 6+).
 *
 * <p>While Redis is down, commands fail at once (Lettuce rejects commands while disconnected
 * instead of queueing them) and the future fails with {@link RedisUnavailableException}; Lettuce
 * reconnects in the background, within {@link #RECONNECT_AT_MOST} of Redis being back. A command
 * Redis does not answer within {@link #COMMAND_TIMEOUT} fails the same way.
 */
public final class LettuceRedisGateway implements RedisGateway {
  static final int SHARED_CONNECTIONS = 4;
  static final int MAX_DEDICATED = 16;
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration RECONNECT_AT_MOST = Duration.ofSeconds(1);

  private final ClientResources resources;
  private final RedisClient shared;
  private final RedisClient dedicated;
  private final SharedConnections connections;
  private final BoundedAsyncPool<StatefulRedisConnection<byte[], byte[]>> pool;

  private LettuceRedisGateway(RedisURI uri) {
    this.resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(50), RECONNECT_AT_MOST, 2, TimeUnit.MILLISECONDS))
            .build();
    this.shared = RedisClient.create(resources, uri);
    shared.setOptions(options(COMMAND_TIMEOUT));
    this.dedicated = RedisClient.create(resources, uri);
    // a blocking command holds its connection for up to its bound: the timeout allows for that
    dedicated.setOptions(options(COMMAND_TIMEOUT.plusSeconds(CommandPolicy.MAX_BLOCK_SECONDS)));
    this.connections = new SharedConnections(shared, uri, SHARED_CONNECTIONS);
    this.pool =
        AsyncConnectionPoolSupport.createBoundedObjectPool(
            () -> dedicated.connectAsync(ByteArrayCodec.INSTANCE, uri),
            BoundedPoolConfig.builder()
                .maxTotal(MAX_DEDICATED)
                .maxIdle(MAX_DEDICATED)
                .minIdle(0)
                .testOnAcquire()
                .testOnRelease()
                .build(),
            false);
  }

  /**
   * A gateway to the Redis at {@code url} ({@code redis://[:password@]host:port[/db]}). Connects on
   * first use: Postbox starts whether or not Redis is up.
   *
   * @throws IllegalArgumentException when the URL is not a Redis URL
   */
  public static LettuceRedisGateway open(String url) {
    return new LettuceRedisGateway(RedisURI.create(url));
  }

  private static ClientOptions options(Duration timeout) {
    return ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .protocolVersion(ProtocolVersion.RESP2)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
        .build();
  }

  @Override
  public CompletableFuture<RedisReply> execute(List<byte[]> command) {
    return connections
        .next()
        .thenCompose(c -> send(c.async(), command))
        .handle(LettuceRedisGateway::reply);
  }

  @Override
  public CompletableFuture<RedisReply> executeAlone(List<byte[]> command) {
    return withDedicated(c -> send(c.async(), command).handle(LettuceRedisGateway::reply));
  }

  @Override
  public CompletableFuture<List<RedisReply>> pipeline(List<List<byte[]>> commands) {
    return connections
        .next()
        .handle((c, e) -> e == null ? c : failed(e))
        .thenCompose(
            c -> {
              RedisAsyncCommands<byte[], byte[]> async = c.async();
              List<CompletableFuture<RedisReply>> replies = new ArrayList<>(commands.size());
              for (List<byte[]> command : commands) {
                replies.add(send(async, command).handle(LettuceRedisGateway::reply));
              }
              return all(replies);
            });
  }

  @Override
  public CompletableFuture<RedisReply> transaction(List<List<byte[]>> commands) {
    return withDedicated(
        c -> {
          RedisAsyncCommands<byte[], byte[]> async = c.async();
          // Lettuce tracks MULTI itself: each queued command's future gets that command's part of
          // EXEC's reply, and EXEC's own future completes after them all
          CompletableFuture<?> multi =
              async.dispatch(RawKeyword.MULTI, new ReplyOutput()).toCompletableFuture();
          List<CompletableFuture<RedisReply>> replies = new ArrayList<>(commands.size());
          for (List<byte[]> command : commands) {
            replies.add(send(async, command));
          }
          CompletableFuture<?> exec =
              async.dispatch(RawKeyword.EXEC, new ReplyOutput()).toCompletableFuture();
          return multi
              .thenCombine(exec, (m, x) -> x)
              .handle(
                  (x, e) -> {
                    if (e != null) {
                      return reply(null, e); // EXECABORT: an error reply; else unavailable
                    }
                    List<RedisReply> items = new ArrayList<>(replies.size());
                    for (CompletableFuture<RedisReply> r : replies) {
                      items.add(r.handle(LettuceRedisGateway::reply).getNow(null));
                    }
                    return new RedisReply.Array(items);
                  });
        });
  }

  /** Runs {@code work} on a pooled connection of its own; a broken connection is not reused. */
  private <T> CompletableFuture<T> withDedicated(
      Function<StatefulRedisConnection<byte[], byte[]>, CompletableFuture<T>> work) {
    return pool.acquire()
        .handle((c, e) -> e == null ? c : failed(e))
        .thenCompose(
            c -> {
              CompletableFuture<T> result;
              try {
                result = work.apply(c);
              } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(e);
              }
              return result.whenComplete(
                  (r, e) -> {
                    if (e != null) {
                      c.close(); // its state is unknown: testOnRelease drops it
                    }
                    pool.release(c);
                  });
            });
  }

  private static CompletableFuture<RedisReply> send(
      RedisAsyncCommands<byte[], byte[]> async, List<byte[]> command) {
    CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE);
    for (int i = 1; i < command.size(); i++) {
      args.add(command.get(i));
    }
    return async
        .dispatch(RawKeyword.of(command.get(0)), new ReplyOutput(), args)
        .toCompletableFuture();
  }

  /** A reply, Redis's error reply, or a failure: Redis cannot be reached. */
  static RedisReply reply(RedisReply r, Throwable e) {
    if (e == null) {
      return r == null ? RedisReply.Nil.INSTANCE : r;
    }
    Throwable cause = unwrap(e);
    if (cause instanceof RedisCommandExecutionException) {
      return new RedisReply.Error(String.valueOf(cause.getMessage()));
    }
    return failed(cause);
  }

  private static <T> T failed(Throwable e) {
    Throwable cause = unwrap(e);
    if (cause instanceof RedisUnavailableException u) {
      throw u;
    }
    String why;
    if (cause instanceof RedisCommandTimeoutException) {
      why = "redis did not answer within " + COMMAND_TIMEOUT.toSeconds() + " s";
    } else if (cause instanceof NoSuchElementException) { // the pool's "exhausted"
      why = "all " + MAX_DEDICATED + " connections for transactions are in use";
    } else {
      Throwable root = cause;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause(); // the pool wraps why it could not connect
      }
      why = "redis is unavailable: " + root.getMessage();
    }
    throw new RedisUnavailableException(why, cause);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
  }

  @Override
  public void close() {
    pool.close();
    connections.close();
    shared.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    dedicated.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
