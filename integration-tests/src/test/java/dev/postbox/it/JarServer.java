package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.tenant.DevTenants;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server as its own process, for crash tests: SIGKILL it, restart it. {@link #close()}
 * kills it if it still runs, so a failing test leaves no server behind.
 */
final class JarServer implements AutoCloseable {
  final Process process;
  final int port;

  private JarServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts the jar on a free port with {@code dataDir} and waits until it answers. */
  static JarServer start(Path dataDir, Path log, String... extraArgs) throws Exception {
    return start(dataDir, freePort(), log, extraArgs);
  }

  /** Starts the jar on {@code port} (a restart where clients expect it) and waits for it. */
  static JarServer start(Path dataDir, int port, Path log, String... extraArgs) throws Exception {
    File logFile = log.toFile();
    Process p = launch(dataDir, port, log, extraArgs);
    JarServer server = new JarServer(p, port);
    Api probe = server.api();
    Poll.until(
        Duration.ofSeconds(30),
        "server to start (log: " + log + ")",
        () -> {
          if (!p.isAlive()) {
            throw new AssertionError("server exited: " + read(logFile));
          }
          try {
            return probe.send("GET", "/v2/keys", null).status() == 200;
          } catch (AssertionError notYet) {
            return false;
          }
        });
    return server;
  }

  /** Starts the jar without waiting for it: output (stdout and stderr) goes to {@code log}. */
  static Process launch(Path dataDir, int port, Path log, String... extraArgs) throws IOException {
    Path jar = Path.of(System.getProperty("postbox.jar", "../broker-app/target/postbox.jar"));
    assertTrue(Files.exists(jar), "build the server first: missing " + jar);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "--port",
            Integer.toString(port),
            "--data-dir",
            dataDir.toString()));
    cmd.addAll(List.of(extraArgs));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  Api api() {
    return new Api("http://127.0.0.1:" + port, DevTenants.DEFAULT_USER.token());
  }

  /** SIGKILL: no shutdown hook runs, RocksDB is not closed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
  }

  /** SIGTERM, and the graceful shutdown must finish. */
  void stop() throws InterruptedException {
    process.destroy();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "graceful shutdown took too long");
  }

  /** Kills the process if a test did not stop or kill it. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  static String read(File f) {
    try {
      return Files.readString(f.toPath());
    } catch (IOException e) {
      return e.toString();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
