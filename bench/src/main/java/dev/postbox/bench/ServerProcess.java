package dev.postbox.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Postbox as its own process (the packaged jar), started and measured from outside. */
final class ServerProcess implements AutoCloseable {
  static final String TOKEN =
      "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=";

  private final Process process;
  final int port;

  /** From process start until a publish was accepted. */
  final long startupMillis;

  ServerProcess(
      Path jar, Path dataDir, int port, Path log, List<String> jvmArgs, String probeDestination)
      throws IOException, InterruptedException {
    this(jar, dataDir, port, log, jvmArgs, List.of(), probeDestination);
  }

  /** With extra server options ({@code appArgs}, e.g. {@code --max-storage 4m}). */
  ServerProcess(
      Path jar,
      Path dataDir,
      int port,
      Path log,
      List<String> jvmArgs,
      List<String> appArgs,
      String probeDestination)
      throws IOException, InterruptedException {
    this.port = port;
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "--port",
            Integer.toString(port),
            "--data-dir",
            dataDir.toString()));
    cmd.addAll(appArgs);
    long start = System.nanoTime();
    process =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest probe =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v2/publish/" + probeDestination))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Upstash-Delay", "1s")
            .POST(HttpRequest.BodyPublishers.ofString("probe"))
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("postbox exited during start: " + Files.readString(log));
      }
      try {
        if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          break;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("postbox did not start: " + Files.readString(log));
      }
      Thread.sleep(5);
    }
    startupMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  /** Heap in use after a full GC, MiB (jcmd GC.run, then GC.heap_info). */
  double heapUsedAfterGcMb() throws IOException, InterruptedException {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
    if (!m.find()) {
      throw new IOException("cannot read heap usage: " + info);
    }
    return Long.parseLong(m.group(1)) / 1024.0;
  }

  /** Resident set size, MiB. */
  double rssMb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
      }
    }
    throw new IOException("no VmRSS");
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid()), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  /** True when the server answers an authenticated {@code GET /v2/keys} with 200. */
  boolean answers() {
    try {
      HttpRequest keys =
          HttpRequest.newBuilder(URI.create(base() + "/v2/keys"))
              .header("Authorization", "Bearer " + TOKEN)
              .build();
      return HttpClient.newHttpClient()
              .send(keys, HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** SIGKILL: no shutdown hook runs, RocksDB is not closed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM and wait (graceful). */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  /** A server on a free port with its data and log in {@code work} (the A/B probes). */
  static ServerProcess inDir(Path jar, Path work, List<String> jvmArgs, HttpSink receiver)
      throws IOException, InterruptedException {
    return new ServerProcess(
        jar,
        work.resolve("data"),
        freePort(),
        work.resolve("server.log"),
        jvmArgs,
        receiver.url("/probe"));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
