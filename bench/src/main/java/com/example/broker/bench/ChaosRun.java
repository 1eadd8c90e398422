package com.example.broker.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/chaos [--quick]}: the crash loop ({@link CrashLoop}), 5 kills in quick mode and 20
 * in the full run; writes {@code bench/results/chaos.json}; exits 1 if anything acknowledged was
 * lost.
 */
public final class ChaosRun {
  private ChaosRun() {}

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    Path root = Path.of(System.getProperty("postbox.root", ".")).toAbsolutePath().normalize();
    Path work = Files.createTempDirectory("postbox-chaos");
    int kills = quick ? 5 : 20;
    long seed = System.nanoTime();
    System.err.println("[chaos] crash loop: " + kills + " kill -9 under load (seed " + seed + ")");
    CrashLoop.Result r =
        CrashLoop.run(root.resolve("broker-app/target/postbox.jar"), work, kills, 1000, seed);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mode", quick ? "quick" : "full");
    out.put("when", Instant.now().toString());
    out.put("seed", seed);
    Map<String, Object> loop = new LinkedHashMap<>();
    loop.put("kills", r.kills());
    loop.put("acknowledged", r.acknowledged());
    loop.put("delivered", r.delivered());
    loop.put("pending_at_end", r.pendingAtEnd());
    loop.put("lost", r.lost());
    loop.put("duplicates", r.duplicates());
    loop.put("duplicate_ratio", Stats.round(r.duplicateRatio() * 100) + "%");
    loop.put("ledger_balanced", r.acknowledged() == r.delivered() + r.pendingAtEnd() + r.lost());
    out.put("crash_loop", loop);
    Path file = root.resolve("bench/results/chaos.json");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out)
            + "\n");
    System.out.println("\n| crash loop | value |\n|---|---|");
    loop.forEach((k, v) -> System.out.println("| " + k + " | " + v + " |"));
    System.exit(r.lost() == 0 ? 0 : 1);
  }
}
