package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.tenant.DevTenants;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis REST API (docs/redis.md) in front of a real {@code redis-server} from Debian's
 * packages, started as the docs say a user starts it, driven by the official {@code @upstash/redis}
 * and {@code @upstash/ratelimit} (integration-tests/redis-app/check.mjs): cache-aside with TTLs, a
 * pipeline, a transaction, the three ratelimit algorithms, refusals; then Redis is stopped (503,
 * while publishing to the broker goes on) and started again on the same port (picked up without a
 * restart of Postbox). Needs {@code npm ci} in redis-app and {@code /usr/bin/redis-server} ({@code
 * integration-tests/setup} installs both).
 */
class RedisRestIT {
  private static final String REDIS_SERVER = "/usr/bin/redis-server";

  /** How many checks each phase of check.mjs makes: fewer passing means checks went missing. */
  private static final int APP_CHECKS = 14;

  @TempDir Path dir;

  @Test
  void officialSdksAgainstARealRedisThroughPostbox() throws Exception {
    Path appDir = Path.of(System.getProperty("postbox.redisAppDir", "redis-app")).toAbsolutePath();
    assertTrue(
        Files.isDirectory(appDir.resolve("node_modules/@upstash/ratelimit")),
        "run `npm ci --prefix integration-tests/redis-app` first (missing node_modules)");
    assertTrue(
        Files.isExecutable(Path.of(REDIS_SERVER)),
        "install Debian's redis-server first (integration-tests/setup does): missing "
            + REDIS_SERVER);
    int redisPort = JarServer.freePort();
    Process redis = startRedis(redisPort, "redis-1.log");
    try (JarServer postbox =
        JarServer.start(
            dir.resolve("data"),
            dir.resolve("postbox.log"),
            "--redis-url",
            "redis://127.0.0.1:" + redisPort)) {
      String rest = "http://127.0.0.1:" + postbox.port + "/redis";
      File log = dir.resolve("postbox.log").toFile();
      Poll.until( // printed once the server answers: the start above may return first
          Duration.ofSeconds(10),
          "the banner",
          () -> JarServer.read(log).contains("UPSTASH_REDIS_REST_TOKEN"));
      String banner = JarServer.read(log);
      assertTrue(banner.contains("UPSTASH_REDIS_REST_URL=" + rest + "\n"), banner);
      assertTrue(
          banner.contains("UPSTASH_REDIS_REST_TOKEN=" + DevTenants.DEFAULT_USER.token() + "\n"),
          "dev mode: the dev QSTASH_TOKEN\n" + banner);
      assertEquals(APP_CHECKS, node(appDir, rest, "app"));

      stop(redis);
      assertEquals(1, node(appDir, rest, "down"));
      Api.Response published =
          postbox.api().publish("http://127.0.0.1:9/later", "hi", "Upstash-Delay", "1h");
      assertEquals(200, published.status(), "the broker goes on while Redis is down");
      String id = published.json().get("messageId").asText();
      assertEquals(200, postbox.api().send("GET", "/v2/messages/" + id, null).status());

      redis = startRedis(redisPort, "redis-2.log");
      assertEquals(2, node(appDir, rest, "up"));
    } finally {
      stop(redis);
    }
  }

  @Test
  void outsideDevModeTheTokenIsRequiredAndNeverPrinted() throws Exception {
    Path log = dir.resolve("no-token.log");
    Process refused =
        JarServer.launch(
            dir.resolve("data-1"),
            JarServer.freePort(),
            log,
            "--token",
            "prod-token",
            "--redis-url",
            "redis://127.0.0.1:6379");
    assertTrue(refused.waitFor(60, TimeUnit.SECONDS), "the server should refuse to start");
    assertEquals(2, refused.exitValue());
    assertTrue(
        Files.readString(log).contains("--redis-url needs --redis-token"), Files.readString(log));

    // Redis need not be up for the broker to start: nothing listens on this port
    int nowhere = JarServer.freePort();
    Path started = dir.resolve("with-token.log");
    int port = JarServer.freePort();
    Process postbox =
        JarServer.launch(
            dir.resolve("data-2"),
            port,
            started,
            "--token",
            "prod-token",
            "--redis-url",
            "redis://127.0.0.1:" + nowhere,
            "--redis-token",
            "redis-secret-token");
    try {
      Poll.until(
          Duration.ofSeconds(60),
          "the banner",
          () -> JarServer.read(started.toFile()).contains("UPSTASH_REDIS_REST_URL="));
      String out = JarServer.read(started.toFile());
      assertTrue(out.contains("UPSTASH_REDIS_REST_TOKEN: the token you set"), out);
      assertTrue(!out.contains("redis-secret-token"), "the token is masked:\n" + out);
      Api redis = new Api("http://127.0.0.1:" + port, "redis-secret-token");
      Api.Response down = redis.send("POST", "/redis", "[\"GET\",\"k\"]");
      assertEquals(503, down.status(), down.body());
      assertTrue(down.json().get("error").asText().startsWith("redis is unavailable"), down.body());
      Api wrong = new Api("http://127.0.0.1:" + port, "prod-token");
      assertEquals(401, wrong.send("POST", "/redis", "[\"GET\",\"k\"]").status());
    } finally {
      postbox.destroyForcibly();
      postbox.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** {@code redis-server --port N --save '' --appendonly no}, once it answers PING. */
  private Process startRedis(int port, String log) throws IOException {
    Process p =
        new ProcessBuilder(
                REDIS_SERVER,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(log).toFile())
            .start();
    Poll.until(
        Duration.ofSeconds(15),
        "redis-server on port " + port,
        () -> {
          if (!p.isAlive()) {
            throw new AssertionError(
                "redis-server exited: " + JarServer.read(dir.resolve(log).toFile()));
          }
          return pong(port);
        });
    return p;
  }

  private static boolean pong(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      return new String(buf, 0, n, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  private static void stop(Process p) throws InterruptedException {
    if (p.isAlive()) {
      p.destroy(); // SIGTERM: redis-server exits at once (nothing to save)
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(15, TimeUnit.SECONDS);
      }
    }
  }

  /** Runs one phase of check.mjs; returns how many checks passed (it fails the test otherwise). */
  private int node(Path appDir, String rest, String phase) throws Exception {
    File log = dir.resolve("check-" + phase + ".log").toFile();
    ProcessBuilder pb =
        new ProcessBuilder(List.of("node", "check.mjs", phase))
            .directory(appDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log);
    pb.environment().put("UPSTASH_REDIS_REST_URL", rest);
    pb.environment().put("UPSTASH_REDIS_REST_TOKEN", DevTenants.DEFAULT_USER.token());
    Process p = pb.start();
    boolean done = p.waitFor(3, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String output = JarServer.read(log);
    System.out.println(output);
    assertTrue(done, "check.mjs " + phase + " timed out:\n" + output);
    assertEquals(0, p.exitValue(), "check.mjs " + phase + " failed:\n" + output);
    Matcher m = Pattern.compile("(?m)^# pass (\\d+)$").matcher(output);
    assertTrue(m.find(), "no summary in check.mjs's output:\n" + output);
    return Integer.parseInt(m.group(1));
  }
}
