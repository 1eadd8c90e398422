package dev.postbox.core.redis;

import dev.postbox.core.redis.CommandPolicy.Placement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * The Upstash Redis REST API's commands, run on a real Redis through a {@link RedisGateway}: checks
 * each command against the {@link CommandPolicy}, rewrites the shebang of the scripts of {@code
 * EVAL} and {@code SCRIPT LOAD} ({@link ScriptShebang}) and translates the SHA-1 of {@code EVALSHA}
 * accordingly ({@link ScriptShas}). {@code SCRIPT LOAD} answers with the SHA-1 of the text the
 * client sent, so the client's own SHA-1 and the answer agree. Refusals are thrown at once as
 * {@code InvalidRequestException} (400).
 */
public final class RedisCommands {
  private final RedisGateway gateway;
  private final ScriptShas shas = new ScriptShas();

  public RedisCommands(RedisGateway gateway) {
    this.gateway = gateway;
  }

  /** Runs one command. */
  public CompletableFuture<RedisReply> run(List<byte[]> command) {
    Placement placement = CommandPolicy.check(command);
    Translated t = translate(command);
    CompletableFuture<RedisReply> reply =
        placement == Placement.ALONE
            ? gateway.executeAlone(t.command())
            : gateway.execute(t.command());
    return reply.thenApply(t.reply());
  }

  /** Runs the commands pipelined: one reply per command, in order. */
  public CompletableFuture<List<RedisReply>> pipeline(List<List<byte[]>> commands) {
    CommandPolicy.checkBatch(commands, "pipeline");
    List<Translated> ts = translateAll(commands);
    return gateway
        .pipeline(ts.stream().map(Translated::command).toList())
        .thenApply(
            replies -> {
              List<RedisReply> out = new ArrayList<>(replies.size());
              for (int i = 0; i < replies.size(); i++) {
                out.add(ts.get(i).reply().apply(replies.get(i)));
              }
              return out;
            });
  }

  /** Runs the commands as one transaction (see {@link RedisGateway#transaction}). */
  public CompletableFuture<RedisReply> transaction(List<List<byte[]>> commands) {
    CommandPolicy.checkBatch(commands, "transaction");
    List<Translated> ts = translateAll(commands);
    return gateway
        .transaction(ts.stream().map(Translated::command).toList())
        .thenApply(
            reply -> {
              if (!(reply instanceof RedisReply.Array a) || a.items().size() != ts.size()) {
                return reply;
              }
              List<RedisReply> out = new ArrayList<>(ts.size());
              for (int i = 0; i < ts.size(); i++) {
                out.add(ts.get(i).reply().apply(a.items().get(i)));
              }
              return new RedisReply.Array(out);
            });
  }

  /** A command as Redis gets it, and how to turn Redis's reply into the client's. */
  record Translated(List<byte[]> command, UnaryOperator<RedisReply> reply) {}

  private List<Translated> translateAll(List<List<byte[]>> commands) {
    List<Translated> out = new ArrayList<>(commands.size());
    for (List<byte[]> c : commands) {
      out.add(translate(c));
    }
    return out;
  }

  Translated translate(List<byte[]> command) {
    String name = CommandPolicy.name(command);
    if (command.size() < 2) {
      return new Translated(command, UnaryOperator.identity());
    }
    switch (name) {
      case "EVAL", "EVAL_RO" -> {
        String script = text(command.get(1));
        String rewritten = rewriteAndRemember(script);
        return new Translated(replace(command, 1, rewritten), UnaryOperator.identity());
      }
      case "EVALSHA", "EVALSHA_RO" -> {
        String sha = text(command.get(1));
        return shas.translate(sha)
            .map(known -> new Translated(replace(command, 1, known), UnaryOperator.identity()))
            .orElseGet(() -> new Translated(command, UnaryOperator.identity()));
      }
      case "SCRIPT" -> {
        if (command.size() == 3 && text(command.get(1)).equalsIgnoreCase("LOAD")) {
          String script = text(command.get(2));
          String rewritten = rewriteAndRemember(script);
          if (rewritten.equals(script)) {
            return new Translated(command, UnaryOperator.identity());
          }
          String original = ScriptShas.sha1(script);
          String loaded = ScriptShas.sha1(rewritten);
          return new Translated(
              replace(command, 2, rewritten),
              reply ->
                  reply instanceof RedisReply.Bulk b
                          && b.text().toLowerCase(Locale.ROOT).equals(loaded)
                      ? RedisReply.Bulk.of(original)
                      : reply);
        }
        return new Translated(command, UnaryOperator.identity());
      }
      default -> {
        return new Translated(command, UnaryOperator.identity());
      }
    }
  }

  /** The script as Redis gets it; remembers the SHA-1 mapping when it differs. */
  private String rewriteAndRemember(String script) {
    String rewritten = ScriptShebang.rewrite(script);
    if (!rewritten.equals(script)) {
      shas.remember(ScriptShas.sha1(script), ScriptShas.sha1(rewritten));
    }
    return rewritten;
  }

  private static List<byte[]> replace(List<byte[]> command, int i, String value) {
    List<byte[]> copy = new ArrayList<>(command);
    copy.set(i, value.getBytes(StandardCharsets.UTF_8));
    return copy;
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
