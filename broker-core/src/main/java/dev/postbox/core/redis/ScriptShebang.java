package dev.postbox.core.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites the shebang line of a Lua script ({@code #!lua flags=no-writes,allow-key-locking}) so
 * that a real Redis runs it: Upstash knows flags of its own ({@code allow-key-locking}, which
 * {@code @upstash/ratelimit} sends), and Redis refuses a script with a flag it does not know. Flags
 * Redis knows are kept; the rest of the script is left as it is. See docs/redis.md#scripts.
 */
public final class ScriptShebang {
  /** The script flags Redis 7 knows. */
  static final Set<String> REDIS_FLAGS =
      Set.of("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys");

  private static final String FLAGS = "flags=";

  private ScriptShebang() {}

  /** The script with unknown flags dropped from its shebang; {@code script} itself if none. */
  public static String rewrite(String script) {
    if (!script.startsWith("#!")) {
      return script;
    }
    int eol = script.indexOf('\n');
    String line = eol < 0 ? script : script.substring(0, eol);
    String rest = eol < 0 ? "" : script.substring(eol);
    String[] words = line.split(" ", -1);
    List<String> kept = new ArrayList<>(words.length);
    boolean changed = false;
    for (String word : words) {
      if (!word.startsWith(FLAGS)) {
        kept.add(word);
        continue;
      }
      List<String> flags = new ArrayList<>();
      for (String flag : word.substring(FLAGS.length()).split(",")) {
        if (REDIS_FLAGS.contains(flag)) {
          flags.add(flag);
        } else if (!flag.isEmpty()) {
          changed = true;
        }
      }
      if (!flags.isEmpty()) {
        kept.add(FLAGS + String.join(",", flags));
      } else {
        changed = true;
      }
    }
    return changed ? String.join(" ", kept) + rest : script;
  }
}
