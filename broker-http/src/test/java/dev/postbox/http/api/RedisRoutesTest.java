package dev.postbox.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postbox.core.redis.RedisCommands;
import dev.postbox.core.redis.RedisGateway;
import dev.postbox.core.redis.RedisReply;
import dev.postbox.core.redis.RedisUnavailableException;
import dev.postbox.http.server.ApiRequest;
import dev.postbox.http.server.ApiResponse;
import dev.postbox.http.server.ApiRouter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RedisRoutesTest {
  private static final String TOKEN = "redis-secret";

  /** Echoes each command's words as an array of bulk strings; ECHOERR answers an error reply. */
  private final List<String> sent = new ArrayList<>();

  private boolean down;

  private final RedisGateway gateway =
      new RedisGateway() {
        private CompletableFuture<RedisReply> answer(List<byte[]> command) {
          if (down) {
            return CompletableFuture.failedFuture(
                new RedisUnavailableException("redis is unavailable: refused", null));
          }
          List<RedisReply> words = new ArrayList<>();
          for (byte[] w : command) {
            words.add(new RedisReply.Bulk(w));
          }
          String first = new String(command.get(0), StandardCharsets.UTF_8);
          sent.add(
              String.join(" ", words.stream().map(w -> ((RedisReply.Bulk) w).text()).toList()));
          return CompletableFuture.completedFuture(
              first.equals("ECHOERR")
                  ? new RedisReply.Error("ERR echo")
                  : new RedisReply.Array(words));
        }

        @Override
        public CompletableFuture<RedisReply> execute(List<byte[]> command) {
          return answer(command);
        }

        @Override
        public CompletableFuture<RedisReply> executeAlone(List<byte[]> command) {
          return answer(command);
        }

        @Override
        public CompletableFuture<List<RedisReply>> pipeline(List<List<byte[]>> commands) {
          return CompletableFuture.completedFuture(
              commands.stream().map(c -> answer(c).join()).toList());
        }

        @Override
        public CompletableFuture<RedisReply> transaction(List<List<byte[]>> commands) {
          return CompletableFuture.completedFuture(
              new RedisReply.Array(commands.stream().map(c -> answer(c).join()).toList()));
        }

        @Override
        public void close() {}
      };

  private final ApiRouter next =
      request ->
          new ApiRouter.Route(
              r -> CompletableFuture.completedFuture(ApiResponse.empty(204)), false);

  private final RedisRoutes routes = new RedisRoutes(next, new RedisCommands(gateway), TOKEN);

  private ApiResponse call(String method, String target, String body, String... headers) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("authorization", List.of("Bearer " + TOKEN));
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], List.of(headers[i + 1]));
    }
    ApiRequest request =
        new ApiRequest(method, target, h, body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    try {
      return routes.route(request).handler().handle(request).join();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String body(ApiResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void oneCommandAsAJsonArrayNumbersAsText() {
    ApiResponse r = call("POST", "/redis", "[\"SET\",\"k\",\"v\",\"EX\",60]");
    assertEquals(200, r.status());
    assertEquals("{\"result\":[\"SET\",\"k\",\"v\",\"EX\",\"60\"]}", body(r));
  }

  @Test
  void aCommandErrorIs400WithRedissText() {
    ApiResponse r = call("POST", "/redis", "[\"ECHOERR\"]");
    assertEquals(400, r.status());
    assertEquals("{\"error\":\"ERR echo\"}", body(r));
  }

  @Test
  void pathFormWithQueryAndBody() {
    call("GET", "/redis/set/a%2Fb/x+y?EX=60&NX", "");
    call("POST", "/redis/set/k", "the value");
    assertEquals(List.of("set a/b x+y EX 60 NX", "set k the value"), sent);
  }

  @Test
  void pipelineAndTransactionAnswerOneEntryPerCommand() {
    String cmds = "[[\"A\",\"1\"],[\"ECHOERR\"]]";
    ApiResponse p = call("POST", "/redis/pipeline", cmds);
    assertEquals(200, p.status());
    assertEquals("[{\"result\":[\"A\",\"1\"]},{\"error\":\"ERR echo\"}]", body(p));
    ApiResponse m = call("POST", "/redis/multi-exec", cmds, "upstash-encoding", "base64");
    assertEquals(200, m.status());
    assertEquals("[{\"result\":[\"QQ==\",\"MQ==\"]},{\"error\":\"ERR echo\"}]", body(m));
  }

  @Test
  void badBodiesAre400Json() {
    for (String bad : new String[] {"{", "{\"a\":1}", "[]", "[[\"GET\"],\"x\"]", "[null]"}) {
      String target = bad.startsWith("[[") ? "/redis/pipeline" : "/redis";
      ApiResponse r = call("POST", target, bad);
      assertEquals(400, r.status(), bad);
      assertEquals("application/json", r.contentType(), bad);
    }
    assertEquals(List.of(), sent);
  }

  @Test
  void refusedCommandsAre400NamingThem() {
    ApiResponse r = call("POST", "/redis", "[\"SUBSCRIBE\",\"ch\"]");
    assertEquals(400, r.status());
    assertEquals(true, body(r).contains("SUBSCRIBE"), body(r));
  }

  @Test
  void aWrongOrMissingTokenIs401() {
    Map<String, List<String>> h = Map.of("authorization", List.of("Bearer nope"));
    ApiRequest wrong = new ApiRequest("POST", "/redis", h, "[\"GET\",\"k\"]".getBytes(), "x");
    ApiRequest none = new ApiRequest("POST", "/redis", Map.of(), "[\"GET\",\"k\"]".getBytes(), "x");
    for (ApiRequest r : List.of(wrong, none)) {
      try {
        assertEquals(401, routes.route(r).handler().handle(r).join().status());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    assertEquals(List.of(), sent);
  }

  @Test
  void redisDownIs503Json() {
    down = true;
    ApiResponse r = call("POST", "/redis", "[\"GET\",\"k\"]");
    assertEquals(503, r.status());
    assertEquals("{\"error\":\"redis is unavailable: refused\"}", body(r));
  }

  @Test
  void otherPathsGoToTheNextRoutes() {
    ApiRequest r = new ApiRequest("GET", "/redisx", Map.of(), new byte[0], "x");
    try {
      assertEquals(204, routes.route(r).handler().handle(r).join().status());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
