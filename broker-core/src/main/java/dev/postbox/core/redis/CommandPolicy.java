package dev.postbox.core.redis;

import dev.postbox.core.error.InvalidRequestException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which commands the REST API passes to Redis. Each request runs on a connection shared with other
 * requests, so commands that change the connection's state (SELECT, AUTH, CLIENT ...), that turn it
 * into a subscriber or monitor, or that wait on other clients (WAIT) are refused, and so are
 * blocking commands without a bound ({@code BLPOP k 0}, {@code XREAD BLOCK 0}). A blocking command
 * with a bound of at most {@link #MAX_BLOCK_SECONDS} runs on a connection of its own; a longer
 * bound is refused too. Transactions have their own route ({@code /multi-exec}), so MULTI, EXEC,
 * WATCH and friends are refused as commands. See docs/redis.md#what-is-refused.
 */
public final class CommandPolicy {
  /** Longest bound a blocking command may have, in seconds. */
  public static final int MAX_BLOCK_SECONDS = 10;

  /** Where a command may run. */
  public enum Placement {
    /** On a shared, pipelined connection. */
    SHARED,
    /** On a connection of its own: it may block for up to {@link #MAX_BLOCK_SECONDS}. */
    ALONE
  }

  private static final Set<String> CONNECTION_STATE =
      Set.of(
          "SUBSCRIBE",
          "PSUBSCRIBE",
          "SSUBSCRIBE",
          "UNSUBSCRIBE",
          "PUNSUBSCRIBE",
          "SUNSUBSCRIBE",
          "MONITOR",
          "SELECT",
          "WAIT",
          "WAITAOF",
          "QUIT",
          "RESET",
          "CLIENT",
          "HELLO",
          "AUTH",
          "SYNC",
          "PSYNC",
          "REPLCONF",
          "READONLY",
          "READWRITE",
          "ASKING");

  private static final Set<String> TRANSACTION =
      Set.of("MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH");

  /** Blocking commands whose last argument is the timeout in seconds. */
  private static final Set<String> TIMEOUT_LAST =
      Set.of("BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BZPOPMIN", "BZPOPMAX");

  /** Blocking commands whose first argument is the timeout in seconds. */
  private static final Set<String> TIMEOUT_FIRST = Set.of("BLMPOP", "BZMPOP");

  private CommandPolicy() {}

  /** The command's name in upper case; 400 for an empty command. */
  public static String name(List<byte[]> command) {
    if (command.isEmpty()) {
      throw new InvalidRequestException(
          "empty command: send a JSON array such as [\"GET\",\"key\"]");
    }
    return new String(command.get(0), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
  }

  /**
   * Where {@code command} may run.
   *
   * @throws InvalidRequestException (400) naming the command when it is refused
   */
  public static Placement check(List<byte[]> command) {
    String name = name(command);
    if (CONNECTION_STATE.contains(name)) {
      throw refused(
          name, "it changes or holds the connection, which the REST API shares between requests");
    }
    if (TRANSACTION.contains(name)) {
      throw refused(name, "send the commands of a transaction to /multi-exec instead");
    }
    if (TIMEOUT_LAST.contains(name) && command.size() > 1) {
      return bounded(name, arg(command, command.size() - 1), 1);
    }
    if (TIMEOUT_FIRST.contains(name) && command.size() > 1) {
      return bounded(name, arg(command, 1), 1);
    }
    if (name.equals("XREAD") || name.equals("XREADGROUP")) {
      for (int i = 1; i + 1 < command.size(); i++) {
        String word = arg(command, i).toUpperCase(Locale.ROOT);
        if (word.equals("STREAMS")) {
          break;
        }
        if (word.equals("BLOCK")) {
          return bounded(name, arg(command, i + 1), 1000);
        }
      }
    }
    return Placement.SHARED;
  }

  /**
   * Checks every command of a pipeline or transaction: these run on one connection in a row, so a
   * command that would block is refused too.
   */
  public static void checkBatch(List<List<byte[]>> commands, String what) {
    if (commands.isEmpty()) {
      throw new InvalidRequestException(what + " has no commands: send an array of command arrays");
    }
    for (List<byte[]> command : commands) {
      if (check(command) == Placement.ALONE) {
        throw refused(name(command), "a blocking command is sent alone, not in a " + what);
      }
    }
  }

  /**
   * {@code timeout} in units of 1/{@code perSecond} s: 0 is refused, a bad number left to Redis.
   */
  private static Placement bounded(String name, String timeout, int perSecond) {
    BigDecimal t;
    try {
      t = new BigDecimal(timeout);
    } catch (NumberFormatException e) {
      return Placement.SHARED; // not a timeout: Redis answers with its own error at once
    }
    if (t.signum() <= 0) {
      throw refused(
          name, "it blocks without a bound; give a timeout of at most " + MAX_BLOCK_SECONDS + " s");
    }
    if (t.compareTo(BigDecimal.valueOf((long) MAX_BLOCK_SECONDS * perSecond)) > 0) {
      throw refused(name, "its timeout is over the limit of " + MAX_BLOCK_SECONDS + " s");
    }
    return Placement.ALONE;
  }

  private static String arg(List<byte[]> command, int i) {
    return new String(command.get(i), StandardCharsets.UTF_8).trim();
  }

  private static InvalidRequestException refused(String name, String why) {
    return new InvalidRequestException("ERR command " + name + " is not supported here: " + why);
  }
}
