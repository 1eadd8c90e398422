package dev.postbox.http.api;

import dev.postbox.core.redis.RedisCommands;
import dev.postbox.core.redis.RedisReply;
import dev.postbox.core.redis.RedisUnavailableException;
import dev.postbox.core.redis.ReplyJson;
import dev.postbox.http.error.ErrorResponses;
import dev.postbox.http.server.ApiRequest;
import dev.postbox.http.server.ApiResponse;
import dev.postbox.http.server.ApiRouter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Upstash Redis REST API under {@code /redis}, in front of the other routes: {@code POST
 * /redis} (one command as a JSON array), {@code POST /redis/pipeline}, {@code POST
 * /redis/multi-exec}, and the path form {@code GET|POST /redis/<command>/<arg>/...}. Every call
 * needs {@code Authorization: Bearer <redis token>} (401 otherwise). A command Redis refuses is
 * {@code 400 {"error": "ERR ..."}}; a pipeline answers 200 with one {@code {"result"}} or {@code
 * {"error"}} per command; Redis unreachable is 503. Handlers never block: they answer when Redis
 * does. See docs/redis.md.
 */
public final class RedisRoutes implements ApiRouter {
  static final String ROOT = "/redis";
  private static final Logger LOG = LoggerFactory.getLogger(RedisRoutes.class);

  private final ApiRouter next;
  private final RedisCommands commands;
  private final byte[] token;

  /**
   * @param next the routes for every path not under {@code /redis}
   * @param commands runs the commands on Redis
   * @param token the bearer token callers must send
   */
  public RedisRoutes(ApiRouter next, RedisCommands commands, String token) {
    this.next = next;
    this.commands = commands;
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Route route(ApiRequest request) {
    String path = request.rawPath();
    if (!path.equals(ROOT) && !path.startsWith(ROOT + "/")) {
      return next.route(request);
    }
    String tail = path.length() <= ROOT.length() + 1 ? "" : path.substring(ROOT.length() + 1);
    while (tail.endsWith("/")) {
      tail = tail.substring(0, tail.length() - 1);
    }
    String call = tail;
    return new Route(r -> handle(r, call), false);
  }

  private CompletableFuture<ApiResponse> handle(ApiRequest request, String tail) {
    if (!authorized(request.header("authorization"))) {
      return done(
          ErrorResponses.of(
              401, "Unauthorized: send Authorization: Bearer <UPSTASH_REDIS_REST_TOKEN>"));
    }
    boolean base64 = "base64".equalsIgnoreCase(request.header("upstash-encoding"));
    boolean post = request.method().equals("POST");
    try {
      if (tail.isEmpty() || tail.equals("pipeline") || tail.equals("multi-exec")) {
        if (!post) {
          return done(
              ErrorResponses.of(405, "method " + request.method() + " not allowed on " + ROOT)
                  .withHeader("Allow", "POST"));
        }
        if (tail.isEmpty()) {
          return single(commands.run(RedisRequests.command(request.body())), base64);
        }
        if (tail.equals("pipeline")) {
          return commands
              .pipeline(RedisRequests.commands(request.body(), "pipeline"))
              .handle((replies, e) -> e == null ? ok(ReplyJson.each(replies, base64)) : failure(e));
        }
        return commands
            .transaction(RedisRequests.commands(request.body(), "transaction"))
            .handle((reply, e) -> e == null ? transaction(reply, base64) : failure(e));
      }
      if (!post && !request.method().equals("GET")) {
        return done(
            ErrorResponses.of(405, "method " + request.method() + " not allowed on " + ROOT)
                .withHeader("Allow", "GET, POST"));
      }
      return single(
          commands.run(RedisRequests.pathCommand(tail, request.rawQuery(), request.body())),
          base64);
    } catch (RuntimeException e) {
      return done(failure(e));
    }
  }

  private static CompletableFuture<ApiResponse> single(
      CompletableFuture<RedisReply> reply, boolean base64) {
    return reply.handle(
        (r, e) -> {
          if (e != null) {
            return failure(e);
          }
          byte[] body = ReplyJson.single(r, base64);
          return ApiResponse.json(r instanceof RedisReply.Error ? 400 : 200, body);
        });
  }

  private static ApiResponse transaction(RedisReply reply, boolean base64) {
    if (reply instanceof RedisReply.Array a) {
      return ok(ReplyJson.each(a.items(), base64));
    }
    return ApiResponse.json(
        reply instanceof RedisReply.Error ? 400 : 200, ReplyJson.single(reply, base64));
  }

  /** Redis unreachable: 503 with the reason; anything else the way every route maps it. */
  private static ApiResponse failure(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof RedisUnavailableException) {
      LOG.debug("redis unavailable", t);
      return ApiResponse.json(503, ReplyJson.error(t.getMessage()));
    }
    return ErrorResponses.of(t);
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] sent = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(sent, token);
  }

  private static ApiResponse ok(byte[] body) {
    return ApiResponse.json(200, body);
  }

  private static CompletableFuture<ApiResponse> done(ApiResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
