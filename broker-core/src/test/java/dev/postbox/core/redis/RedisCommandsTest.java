package dev.postbox.core.redis;

import static dev.postbox.core.redis.CommandPolicyTest.cmd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RedisCommandsTest {
  private static final String RATELIMIT_SCRIPT =
      "#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1])";
  private static final String REWRITTEN = "#!lua\nreturn redis.call('INCR', KEYS[1])";

  /** Records what reaches Redis and answers with {@code answer}. */
  static final class FakeGateway implements RedisGateway {
    final List<String> sent = new ArrayList<>();
    final List<String> alone = new ArrayList<>();
    Function<List<String>, RedisReply> answer = c -> new RedisReply.Status("OK");

    private RedisReply answer(List<byte[]> command) {
      List<String> words = words(command);
      sent.add(String.join(" ", words));
      return answer.apply(words);
    }

    @Override
    public CompletableFuture<RedisReply> execute(List<byte[]> command) {
      return CompletableFuture.completedFuture(answer(command));
    }

    @Override
    public CompletableFuture<RedisReply> executeAlone(List<byte[]> command) {
      alone.add(words(command).get(0));
      return execute(command);
    }

    @Override
    public CompletableFuture<List<RedisReply>> pipeline(List<List<byte[]>> commands) {
      return CompletableFuture.completedFuture(commands.stream().map(this::answer).toList());
    }

    @Override
    public CompletableFuture<RedisReply> transaction(List<List<byte[]>> commands) {
      return CompletableFuture.completedFuture(
          new RedisReply.Array(commands.stream().map(this::answer).toList()));
    }

    @Override
    public void close() {}
  }

  private static List<String> words(List<byte[]> command) {
    return command.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
  }

  private final FakeGateway redis = new FakeGateway();
  private final RedisCommands commands = new RedisCommands(redis);

  @Test
  void evalRewritesTheShebangAndEvalshaOfTheOriginalIsTranslated() {
    String original = ScriptShas.sha1(RATELIMIT_SCRIPT);
    String rewritten = ScriptShas.sha1(REWRITTEN);

    commands.run(cmd("EVALSHA", original, "1", "k")).join();
    assertEquals("EVALSHA " + original + " 1 k", redis.sent.get(0), "unknown: as it is");

    commands.run(cmd("EVAL", RATELIMIT_SCRIPT, "1", "k")).join();
    assertEquals("EVAL " + REWRITTEN + " 1 k", redis.sent.get(1));

    commands.run(cmd("evalsha", original.toUpperCase(), "1", "k")).join();
    assertEquals("evalsha " + rewritten + " 1 k", redis.sent.get(2));
  }

  @Test
  void scriptLoadSendsTheRewrittenScriptAndAnswersWithTheOriginalSha() {
    String original = ScriptShas.sha1(RATELIMIT_SCRIPT);
    String rewritten = ScriptShas.sha1(REWRITTEN);
    redis.answer = c -> RedisReply.Bulk.of(rewritten);

    RedisReply reply = commands.run(cmd("SCRIPT", "LOAD", RATELIMIT_SCRIPT)).join();

    assertEquals("SCRIPT LOAD " + REWRITTEN, redis.sent.get(0));
    assertEquals(original, ((RedisReply.Bulk) reply).text());
    commands.pipeline(List.of(cmd("EVALSHA", original, "0"))).join();
    assertEquals("EVALSHA " + rewritten + " 0", redis.sent.get(1));
  }

  @Test
  void scriptsWithoutUnknownFlagsPassUnchanged() {
    commands.run(cmd("EVAL", "return 1", "0")).join();
    String sha = ScriptShas.sha1("return 1");
    commands.run(cmd("EVALSHA", sha, "0")).join();
    assertEquals(List.of("EVAL return 1 0", "EVALSHA " + sha + " 0"), redis.sent);
  }

  @Test
  void aTransactionTranslatesItsScriptsToo() {
    RedisReply r =
        commands
            .transaction(List.of(cmd("SET", "a", "1"), cmd("EVAL", RATELIMIT_SCRIPT, "1", "a")))
            .join();
    assertEquals(List.of("SET a 1", "EVAL " + REWRITTEN + " 1 a"), redis.sent);
    assertEquals(2, ((RedisReply.Array) r).items().size());
  }

  @Test
  void boundedBlockingCommandsRunAloneAndRefusalsNeverReachRedis() {
    commands.run(cmd("BLPOP", "q", "1")).join();
    assertEquals(List.of("BLPOP"), redis.alone);
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> commands.run(cmd("SUBSCRIBE", "ch")));
    assertTrue(e.getMessage().contains("SUBSCRIBE"), e.getMessage());
    assertEquals(List.of("BLPOP q 1"), redis.sent);
  }
}
