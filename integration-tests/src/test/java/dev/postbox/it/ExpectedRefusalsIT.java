package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refusal the API makes on purpose (400, 404, 412, 413, 431, 507) logs at most a line, never a
 * stack trace (docs/operations.md#logs): checked in the packaged server's own log, written by its
 * real logging backend.
 */
class ExpectedRefusalsIT {
  /** A line of a printed stack trace: a frame, a cause, or the "... n more" of a cause. */
  private static final Pattern STACK_LINE =
      Pattern.compile("^\\s+at \\S+\\(.*\\)$|^Caused by: |^\\s+\\.\\.\\. \\d+ more$");

  @TempDir Path dir;

  @Test
  void expectedRefusalsLogNoStackTrace() throws Exception {
    Path log = dir.resolve("server.log");
    try (JarServer server =
        JarServer.start(
            dir.resolve("data"),
            log,
            "--max-storage",
            "1m",
            "--max-body-size",
            "64k",
            "--max-queues",
            "1")) {
      Api api = server.api();
      assertEquals(400, api.publish("not-a-url!", "x").status());
      assertEquals(404, api.send("GET", "/v2/messages/msg_unknown", null).status());
      assertEquals(200, api.send("POST", "/v2/enqueue/q1/http://127.0.0.1:9/x", "x").status());
      assertEquals(412, api.send("POST", "/v2/enqueue/q2/http://127.0.0.1:9/x", "x").status());
      assertEquals(413, api.publish("http://127.0.0.1:9/x", "x".repeat(65 * 1024)).status());
      assertEquals(431, statusOfHugeHeaders(server.port));
      assertEquals(507, publishUntilTheQuotaIsReached(api));
      String text = JarServer.read(log.toFile());
      List<String> stack = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (STACK_LINE.matcher(line).find()) {
          stack.add(line);
        }
      }
      assertTrue(stack.isEmpty(), "stack trace lines in the log:\n" + text);
      for (String refusal : List.of("400", "404", "412", "507")) {
        assertTrue(text.contains("refused a request with " + refusal), refusal + " in:\n" + text);
      }
    }
  }

  /** A request whose headers are over the server's 64 KiB limit, sent over a plain socket. */
  private static int statusOfHugeHeaders(int port) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      String head =
          "GET /v2/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
              + "a".repeat(70 * 1024)
              + "\r\n\r\n";
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
        line.append((char) c);
      }
      String[] parts = line.toString().split(" ");
      return Integer.parseInt(parts[1]);
    }
  }

  private static int publishUntilTheQuotaIsReached(Api api) {
    String body = "x".repeat(32 * 1024);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      int status = api.publish("http://127.0.0.1:9/quota", body, "Upstash-Delay", "1h").status();
      if (status != 200) {
        return status;
      }
    }
    throw new AssertionError("the storage quota was never reached");
  }
}
