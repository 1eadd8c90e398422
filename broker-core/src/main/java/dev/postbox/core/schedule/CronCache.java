package dev.postbox.core.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled cron expressions by text: ticks of schedules that share an expression share it. Only
 * stored (so already validated) expressions come here.
 */
final class CronCache {
  private static final int MAX_CACHED_CRONS = 10_000;

  private final CronCompiler compiler;
  private final ConcurrentHashMap<String, Cron> compiled = new ConcurrentHashMap<>();

  CronCache(CronCompiler compiler) {
    this.compiler = compiler;
  }

  /** The compiled form of {@code text}, cached. */
  Cron get(String text) {
    Cron c = compiled.get(text);
    if (c == null) {
      if (compiled.size() >= MAX_CACHED_CRONS) {
        compiled.clear(); // many distinct expressions: start over rather than grow
      }
      c = compiler.compile(CronSpec.parse(text, true));
      compiled.put(text, c);
    }
    return c;
  }

  /**
   * {@code first} and the fire times of {@code text} after it, {@code count} in all, or fewer when
   * the expression stops firing ({@link Cron#NEVER} as {@code first}: none).
   */
  List<Long> series(String text, long first, int count) {
    List<Long> out = new ArrayList<>(count);
    Cron cron = get(text);
    for (long t = first; t != Cron.NEVER && out.size() < count; t = cron.nextAfter(t)) {
      out.add(t);
    }
    return out;
  }
}
