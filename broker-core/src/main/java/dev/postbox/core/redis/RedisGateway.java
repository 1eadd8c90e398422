package dev.postbox.core.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The port to a real Redis. A command is its words as bytes, the command name first. Every method
 * returns at once; a command error of Redis is a {@link RedisReply.Error} result, not a failure.
 * The futures fail with {@link RedisUnavailableException} only when Redis cannot be reached or does
 * not answer in time, and may complete on the gateway's own threads.
 */
public interface RedisGateway extends AutoCloseable {
  /** Runs one command on a shared, pipelined connection. */
  CompletableFuture<RedisReply> execute(List<byte[]> command);

  /**
   * Runs one command that may hold its connection for a while (a bounded blocking pop) on a
   * connection of its own, so that it does not hold up the commands pipelined behind it.
   */
  CompletableFuture<RedisReply> executeAlone(List<byte[]> command);

  /** Runs the commands in order, pipelined; one reply per command, errors included. */
  CompletableFuture<List<RedisReply>> pipeline(List<List<byte[]>> commands);

  /**
   * Runs the commands as one MULTI/EXEC transaction on a connection of its own: an {@link
   * RedisReply.Array} with one reply per command, or the {@link RedisReply.Error} of the
   * transaction when Redis refused it as a whole (EXECABORT).
   */
  CompletableFuture<RedisReply> transaction(List<List<byte[]>> commands);

  @Override
  void close();
}
