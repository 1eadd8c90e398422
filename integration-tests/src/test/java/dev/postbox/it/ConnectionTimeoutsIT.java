package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.app.Broker;
import dev.postbox.core.tenant.DevTenants;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow and stalled clients against the real server: it closes them itself (slowloris), answers a
 * request whose body stalls with a JSON 408, and keeps serving everyone else.
 */
class ConnectionTimeoutsIT {
  /** Reads give up after this, so a server that never closes fails the test instead of hanging. */
  private static final int READ_LIMIT_MS = 15_000;

  @TempDir Path dataDir;
  private Broker broker;

  @BeforeEach
  void start() throws Exception {
    broker = InProcessBroker.start(dataDir, "--request-timeout", "1", "--idle-timeout", "2");
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", broker.port());
    s.setSoTimeout(READ_LIMIT_MS);
    return s;
  }

  /** Everything the server sends until it closes the connection. */
  private static String readToClose(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    for (int n; (n = in.read(buf)) >= 0; ) {
      out.write(buf, 0, n);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private static void send(Socket s, String raw) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private String publish(String body) {
    return "POST /v2/publish/http://127.0.0.1:9/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer "
        + DevTenants.DEFAULT_USER.token()
        + "\r\nUpstash-Delay: 1h\r\nContent-Length: "
        + body.length()
        + "\r\n\r\n"
        + body;
  }

  @Test
  void connectionsThatSendNothingOrATricklingHeadAreClosedByTheServer() throws Exception {
    try (Socket silent = connect();
        Socket trickle = connect()) {
      send(trickle, "POST /v2/publish/http://127.0.0.1:9/x HTTP/1.1\r\nHo");
      long start = System.nanoTime();
      assertEquals("", readToClose(silent));
      assertEquals("", readToClose(trickle));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < READ_LIMIT_MS - 1000, "closed by the server after " + ms + " ms");
    }
  }

  @Test
  void aBodyThatStallsGetsA408AndTheServerKeepsServingOthers() throws Exception {
    try (Socket stalled = connect();
        Socket keepAlive = connect()) {
      String full = publish("0123456789");
      send(stalled, full.substring(0, full.length() - 5));
      String answer = readToClose(stalled);
      assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
      assertTrue(
          answer.endsWith(
              "{\"error\":\"request not received in full within 1000 ms; closing the"
                  + " connection\"}"),
          answer);

      // A keep-alive client that keeps using its connection is served on it.
      for (int i = 0; i < 3; i++) {
        send(keepAlive, publish("hello " + i));
        String head = readResponse(keepAlive);
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
      }
      // ... and once it stops, its connection goes too.
      assertEquals("", readToClose(keepAlive));
    }
  }

  /** One response (head and a Content-Length body), leaving the connection open. */
  private static String readResponse(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed after " + head);
      }
      head.append((char) c);
    }
    String h = head.toString();
    int at = h.toLowerCase().indexOf("content-length: ");
    int len = Integer.parseInt(h.substring(at + 16, h.indexOf("\r\n", at)).trim());
    byte[] body = in.readNBytes(len);
    return h + new String(body, StandardCharsets.UTF_8);
  }
}
