package dev.postbox.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** A real HTTP destination on 127.0.0.1 that records every request and answers as scripted. */
final class TestReceiver implements AutoCloseable {
  record Received(
      String method, String path, Map<String, List<String>> headers, byte[] body, long at) {
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  record Reply(int status, Map<String, String> headers, String body) {
    static Reply ok() {
      return new Reply(200, Map.of(), "ok");
    }

    static Reply status(int s) {
      return new Reply(s, Map.of(), "status " + s);
    }
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Function<Received, Reply> script = r -> Reply.ok();

  TestReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", this::handle);
    server.start();
  }

  void respond(Function<Received, Reply> script) {
    this.script = script;
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  List<Received> received() {
    return new ArrayList<>(received);
  }

  List<Received> receivedOn(String path) {
    return received.stream().filter(r -> r.path().startsWith(path)).toList();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    Received r =
        new Received(
            ex.getRequestMethod(),
            ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null
                    ? ""
                    : "?" + ex.getRequestURI().getRawQuery()),
            Map.copyOf(ex.getRequestHeaders()),
            body,
            System.currentTimeMillis());
    received.add(r);
    Reply reply = script.apply(r);
    byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
    reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
