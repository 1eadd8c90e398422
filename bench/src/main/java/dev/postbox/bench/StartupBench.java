package dev.postbox.bench;

import dev.postbox.junit.Postbox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A fast start (docs/benchmarks.md#startup): the packaged jar from {@code java -jar} to {@code
 * /ready} answering 200 on an empty data dir in test mode, against an empty JVM's start, and the
 * in-process start the JUnit extension makes ({@link Postbox#start()}), in this JVM after one
 * warm-up start. Medians of {@link #RUNS}.
 */
final class StartupBench {
  static final int RUNS = 5;
  private static final String URL_LINE = "QSTASH_URL=";

  private final BenchContext ctx;
  private final HttpClient client = HttpClient.newHttpClient();

  StartupBench(BenchContext ctx) {
    this.ctx = ctx;
  }

  void run(Path jar) throws Exception {
    Map<String, Object> r = ctx.figures;
    List<Double> empty = new ArrayList<>();
    List<Double> jarStarts = new ArrayList<>();
    List<Double> firstPublishes = new ArrayList<>();
    List<Double> inProcess = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      empty.add(emptyJvmMillis());
    }
    for (int i = 0; i < RUNS; i++) {
      double[] t = jarToReadyMillis(jar, Files.createTempDirectory(ctx.work, "startup"));
      jarStarts.add(t[0]);
      firstPublishes.add(t[1]);
    }
    Postbox.start().close(); // the warm-up: this JVM's first load of the server's classes
    for (int i = 0; i < RUNS; i++) {
      inProcess.add(inProcessMillis());
    }
    r.put("baseline_empty_jvm_ms", Stats.round(Stats.percentile(empty, 50)));
    r.put("startup_jar_to_ready_ms", Stats.round(Stats.percentile(jarStarts, 50)));
    r.put("startup_jar_to_first_publish_ms", Stats.round(Stats.percentile(firstPublishes, 50)));
    r.put("startup_in_process_ms", Stats.round(Stats.percentile(inProcess, 50)));
    ctx.log(
        "startup: empty JVM "
            + empty
            + ", jar "
            + jarStarts
            + ", jar to first publish "
            + firstPublishes
            + ", in process "
            + inProcess);
  }

  /** A JVM that runs a main doing nothing ({@link EmptyMain}) and exits. */
  private static double emptyJvmMillis() throws IOException, InterruptedException {
    String classPath =
        Path.of(StartupBench.class.getProtectionDomain().getCodeSource().getLocation().getPath())
            .toString();
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder(java(), "-cp", classPath, EmptyMain.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (p.waitFor() != 0) {
      throw new IOException("the empty JVM exited with " + p.exitValue());
    }
    return (System.nanoTime() - start) / 1e6;
  }

  /**
   * {@code java -jar postbox.jar --port 0 --test-mode --data-dir <new>}: from starting the process
   * until {@code GET /ready} answers 200, on the port its {@code QSTASH_URL} line names; and until
   * a publish sent right after that is accepted (what a test run's first call waits for).
   */
  private double[] jarToReadyMillis(Path jar, Path dataDir) throws Exception {
    List<String> cmd =
        List.of(
            java(),
            "-jar",
            jar.toString(),
            "--port",
            "0",
            "--test-mode",
            "--data-dir",
            dataDir.toString());
    long start = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String base = null;
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith(URL_LINE)) {
          base = line.substring(URL_LINE.length());
          break;
        }
      }
      if (base == null) {
        throw new IOException(
            "postbox printed no " + URL_LINE + " line (exit " + p.waitFor() + ")");
      }
      awaitReady(base);
      double ready = (System.nanoTime() - start) / 1e6;
      HttpRequest publish =
          HttpRequest.newBuilder(URI.create(base + "/v2/publish/http://127.0.0.1:9/startup"))
              .header("Authorization", "Bearer " + ServerProcess.TOKEN)
              .header("Upstash-Delay", "1h")
              .POST(HttpRequest.BodyPublishers.ofString("first"))
              .build();
      int status = client.send(publish, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status != 200 && status != 201) {
        throw new IOException("the first publish was answered " + status);
      }
      return new double[] {ready, (System.nanoTime() - start) / 1e6};
    } finally {
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  /** {@link Postbox#start()} until {@code /ready} answers 200; the stop is not counted. */
  private double inProcessMillis() throws Exception {
    long start = System.nanoTime();
    try (Postbox postbox = Postbox.start()) {
      awaitReady(postbox.url());
      return (System.nanoTime() - start) / 1e6;
    }
  }

  private void awaitReady(String base) throws IOException, InterruptedException {
    HttpRequest ready = HttpRequest.newBuilder(URI.create(base + "/ready")).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
      if (System.nanoTime() > deadline) {
        throw new IOException(base + "/ready did not answer 200 within 60 s");
      }
      Thread.sleep(1);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
