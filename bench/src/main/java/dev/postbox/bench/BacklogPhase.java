package dev.postbox.bench;

import static dev.postbox.bench.BenchContext.TOKEN;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Server B of {@code bench/run}: memory with a large backlog of delayed messages, and the time to
 * reopen it (and an empty data directory).
 */
final class BacklogPhase {
  private final BenchContext ctx;
  private final Map<String, Object> r;

  BacklogPhase(BenchContext ctx) {
    this.ctx = ctx;
    this.r = ctx.figures;
  }

  void run(Path jar, HttpSink receiver, byte[] small, long pending) throws Exception {
    Path data = ctx.work.resolve("b");
    try (ServerProcess s =
        new ServerProcess(
            jar,
            data,
            ServerProcess.freePort(),
            ctx.work.resolve("b.log"),
            List.of(),
            receiver.url("/probe"))) {
      ctx.log("pending: publishing " + pending + " messages delayed 1h");
      Publisher bulk = new Publisher(s.base(), TOKEN);
      long t0 = System.nanoTime();
      bulk.bulk(receiver.url("/pending"), small, pending, 128, 3_600_000);
      bulk.close();
      r.put("pending_fill_rps", Stats.round(pending / ((System.nanoTime() - t0) / 1e9)));
      r.put("pending_count", pending - bulk.failures.get());
      r.put("pending_heap_mb", Stats.round(s.heapUsedAfterGcMb()));
      r.put("pending_rss_mb", Stats.round(s.rssMb()));
    }
    ctx.log("startup: reopening the data dir with the backlog, 3 times; and an empty one, 3 times");
    List<Long> full = startups(jar, receiver, i -> data);
    List<Long> empty = startups(jar, receiver, i -> ctx.work.resolve("empty-" + i));
    r.put("startup_ms", full.get(1)); // the median
    r.put("startup_samples_ms", full);
    r.put("startup_empty_ms", empty.get(1));
  }

  /** Three starts (process start to the first accepted publish), sorted. */
  private List<Long> startups(Path jar, HttpSink receiver, IntFunction<Path> dataDir)
      throws Exception {
    List<Long> ms = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try (ServerProcess again =
          new ServerProcess(
              jar,
              dataDir.apply(i),
              ServerProcess.freePort(),
              ctx.work.resolve("startup-" + i + ".log"),
              List.of(),
              receiver.url("/probe"))) {
        ms.add(again.startupMillis);
      }
    }
    Collections.sort(ms);
    return ms;
  }
}
