package dev.postbox.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Slowloris: many connections that hold the server without finishing a request. A third send
 * nothing, a third send a request head one byte every 500 ms, a third send a head and part of the
 * body, then stall. The server runs with {@code --request-timeout 2 --idle-timeout 2}; it must
 * close every one itself (the stalled bodies with a 408), give their file descriptors back, and
 * keep answering other clients meanwhile.
 */
final class StalledClients {
  private static final int REQUEST_TIMEOUT_S = 2;
  private static final int IDLE_TIMEOUT_S = 2;

  /** How long the scenario waits for the server to close them all. */
  private static final long LIMIT_S = 30;

  private StalledClients() {}

  static Map<String, Object> run(Path jar, Path work, int connections) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    try (HttpSink sink = new HttpSink(false);
        ServerProcess server =
            new ServerProcess(
                jar,
                work.resolve("stall-data"),
                ServerProcess.freePort(),
                work.resolve("stall.log"),
                List.of(),
                List.of(
                    "--request-timeout",
                    Integer.toString(REQUEST_TIMEOUT_S),
                    "--idle-timeout",
                    Integer.toString(IDLE_TIMEOUT_S)),
                sink.url("/probe"));
        Selector selector = Selector.open()) {
      long fdsBefore = openFiles(server.pid());
      String body = "0123456789".repeat(10);
      String stalledBody =
          "POST /v2/publish/"
              + sink.url("/stalled")
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
              + ServerProcess.TOKEN
              + "\r\nContent-Length: "
              + body.length()
              + "\r\n\r\n"
              + body.substring(0, 10);
      byte[] trickleHead =
          ("POST /v2/publish/" + sink.url("/trickle") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n")
              .getBytes(StandardCharsets.ISO_8859_1);
      List<Conn> conns = new ArrayList<>();
      long opened = System.nanoTime();
      for (int i = 0; i < connections; i++) {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port));
        Conn c = new Conn(ch, i % 3);
        if (c.kind == 2) {
          ch.write(ByteBuffer.wrap(stalledBody.getBytes(StandardCharsets.ISO_8859_1)));
        }
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ, c);
        conns.add(c);
      }
      long fdsPeak = openFiles(server.pid());
      int answeredWhileStalled = 0;
      int checks = 0;
      int open = connections;
      long nextTrickle = 0;
      long deadline = opened + TimeUnit.SECONDS.toNanos(LIMIT_S);
      ByteBuffer buf = ByteBuffer.allocate(4096);
      while (open > 0 && System.nanoTime() < deadline) {
        if (System.nanoTime() >= nextTrickle) {
          for (Conn c : conns) {
            if (c.kind == 1 && c.closedAfterNanos < 0 && c.sent < trickleHead.length) {
              try {
                c.channel.write(ByteBuffer.wrap(trickleHead, c.sent++, 1));
              } catch (IOException closed) {
                // the read side will see the close
              }
            }
          }
          nextTrickle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
          checks++;
          answeredWhileStalled += server.answers() ? 1 : 0;
        }
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          Conn c = (Conn) key.attachment();
          buf.clear();
          int n;
          try {
            n = c.channel.read(buf);
          } catch (IOException reset) {
            n = -1;
          }
          if (n > 0) {
            c.answer.append(new String(buf.array(), 0, n, StandardCharsets.ISO_8859_1));
          } else if (n < 0) {
            c.closedAfterNanos = System.nanoTime() - opened;
            key.cancel();
            c.channel.close();
            open--;
          }
        }
        selector.selectedKeys().clear();
      }
      List<Double> closeSeconds = new ArrayList<>();
      int answered408 = 0;
      int stalledBodies = 0;
      for (Conn c : conns) {
        if (c.closedAfterNanos >= 0) {
          closeSeconds.add(c.closedAfterNanos / 1e9);
        }
        if (c.kind == 2) {
          stalledBodies++;
          answered408 += c.answer.toString().startsWith("HTTP/1.1 408 ") ? 1 : 0;
        }
        c.channel.close();
      }
      r.put("connections", connections);
      r.put("request_timeout_s", REQUEST_TIMEOUT_S);
      r.put("idle_timeout_s", IDLE_TIMEOUT_S);
      r.put("closed_by_server", closeSeconds.size());
      r.put("stalled_bodies_answered_408", answered408 + " of " + stalledBodies);
      r.put("closed_after_s_p50", Stats.round(Stats.percentile(closeSeconds, 50)));
      r.put("closed_after_s_max", Stats.round(Stats.percentile(closeSeconds, 100)));
      r.put("server_answered_meanwhile", answeredWhileStalled + " of " + checks);
      r.put("server_fds_before", fdsBefore);
      r.put("server_fds_with_stalled", fdsPeak);
      r.put("server_fds_after", openFiles(server.pid()));
      r.put("server_up_after", server.answers());
    }
    return r;
  }

  private static long openFiles(long pid) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.count();
    }
  }

  private static final class Conn {
    final SocketChannel channel;
    final int kind; // 0 silent, 1 trickling head, 2 stalled body
    final StringBuilder answer = new StringBuilder();
    int sent;
    long closedAfterNanos = -1;

    Conn(SocketChannel channel, int kind) {
      this.channel = channel;
      this.kind = kind;
    }
  }
}
