package dev.postbox.bench;

import dev.postbox.core.delivery.DeliveryRequest;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.http.client.NettyHttpDeliverer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A generator of malformed requests: bad paths, destinations, header values, expressions, cron,
 * JSON, oversized bodies and headers over keep-alive connections, plus raw-socket garbage, slow and
 * half-closed connections. Every HTTP answer must be a 4xx; a 5xx is a defect.
 */
final class BadInput {
  /**
   * @param requests requests sent
   * @param status4xx answered 4xx
   * @param status5xx answered 5xx (defects)
   * @param other any other status (2xx included: the generator thought it was bad input)
   * @param noAnswer connections that ended without an answer (raw-socket cases only)
   * @param examples5xx a few failing requests, to reproduce
   */
  record Result(
      long requests,
      long status4xx,
      long status5xx,
      long other,
      long noAnswer,
      List<String> examples5xx) {}

  private static final String TOKEN = ServerProcess.TOKEN;
  private static final String[] BAD_DURATIONS = {
    "soon", "-1s", "1x", "1.2.3s", "99999999999999d", "s", "1h-2m"
  };
  private static final String[] BAD_RETRIES = {"-1", "abc", "1e3", "99999999999", "21", "0x10"};
  private static final String[] BAD_NOT_BEFORE = {
    "-1", "abc", "1e3", "99999999999", "0x10", "soon"
  };
  private static final String[] BAD_EXPRESSIONS = {
    "foo(1)",
    "1 +",
    "retried retried",
    "pow(1)",
    "((1)",
    "1/",
    "max(,)",
    "\u00e9",
    "1;2",
    "retried)"
  };
  private static final String[] BAD_DESTINATIONS = {
    "notaurl%5E",
    "http://",
    "https://%zz",
    "ftp://x.example/a",
    "api/llm",
    "javascript:alert(1)",
    "http%3A%2F%2F",
    "http://"
  };
  private static final String[] BAD_PATHS = {
    "/v2/nothing",
    "/v2/publish",
    "/v2/messages/%zz",
    "/v2/dlq/retry/%",
    "/v2/events?count=abc",
    "/v2/events?order=sideways",
    "/v2/events?state=NOPE",
    "/v2/dlq?count=9999",
    "/v2/dlq?host=x",
    "/v2/messages?count=0",
    "/v2/messages?bogus=1",
    "/v2/messages?messageIds=",
    "/v2/dlq?fromDate=yesterday"
  };

  private final String base;
  private final int port;
  private final Random random;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong s4xx = new AtomicLong();
  private final AtomicLong s5xx = new AtomicLong();
  private final AtomicLong other = new AtomicLong();
  private final AtomicLong noAnswer = new AtomicLong();
  private final List<String> examples = new CopyOnWriteArrayList<>();
  private final Map<String, Boolean> seen5xx = new ConcurrentHashMap<>();

  BadInput(int port, long seed) {
    this.port = port;
    this.base = "http://127.0.0.1:" + port;
    this.random = new Random(seed);
  }

  Result run(long total) throws Exception {
    try (NettyHttpDeliverer client = new NettyHttpDeliverer(4096)) {
      Semaphore inFlight = new Semaphore(64);
      for (long i = 0; i < total; i++) {
        if (i % 50 == 0) {
          rawCase((int) (i / 50));
          continue;
        }
        DeliveryRequest r = next();
        inFlight.acquire();
        requests.incrementAndGet();
        CompletableFuture<DeliveryResponse> f = client.deliver(r);
        f.whenComplete(
            (res, err) -> {
              inFlight.release();
              count(
                  res == null ? 0 : res.status(),
                  r.method() + " " + r.url() + " " + r.headers().keySet());
            });
      }
      inFlight.acquire(64);
    }
    return new Result(
        requests.get(), s4xx.get(), s5xx.get(), other.get(), noAnswer.get(), List.copyOf(examples));
  }

  private static String describe(DeliveryRequest r) {
    StringBuilder sb = new StringBuilder(r.method()).append(' ').append(r.url());
    r.headers()
        .forEach(
            (k, v) -> {
              if (!k.equals("Authorization") && !k.equals("X-Huge")) {
                sb.append(' ').append(k).append('=').append(v);
              }
            });
    return sb.toString();
  }

  private void count(int status, String what) {
    if (status >= 400 && status < 500) {
      s4xx.incrementAndGet();
    } else if (status >= 500) {
      s5xx.incrementAndGet();
      if (examples.size() < 10 && seen5xx.putIfAbsent(what, true) == null) {
        examples.add(status + " " + what);
      }
    } else if (status == 0) {
      noAnswer.incrementAndGet();
    } else {
      other.incrementAndGet();
      if (examples.size() < 20 && seen5xx.putIfAbsent("other " + what, true) == null) {
        examples.add(status + " " + what);
      }
    }
  }

  private synchronized DeliveryRequest next() {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Authorization", List.of("Bearer " + TOKEN));
    String publish = base + "/v2/publish/http://127.0.0.1:9/bad";
    switch (random.nextInt(15)) {
      case 0:
        return new DeliveryRequest("GET", base + pick(BAD_PATHS), h, null, 10_000);
      case 1:
        return new DeliveryRequest(
            "POST", base + "/v2/publish/" + pick(BAD_DESTINATIONS), h, bytes("x"), 10_000);
      case 2:
        h.put("Upstash-Delay", List.of(pick(BAD_DURATIONS)));
        break;
      case 3:
        h.put("Upstash-Retries", List.of(pick(BAD_RETRIES)));
        break;
      case 4:
        h.put("Upstash-Retry-Delay", List.of(pick(BAD_EXPRESSIONS)));
        break;
      case 5:
        h.put("Upstash-Method", List.of(pick(new String[] {"FOO", "CONNECT", "get post", "P0ST"})));
        break;
      case 6:
        h.put(
            "Upstash-Cron",
            List.of(pick(new String[] {"* * *", "61 * * * *", "bad", "* * * * * * *"})));
        break;
      case 7:
        h.put("Upstash-Callback", List.of(pick(BAD_DESTINATIONS)));
        break;
      case 8:
        h.put("Upstash-Not-Before", List.of(pick(BAD_NOT_BEFORE)));
        break;
      case 9:
        h.put("Upstash-Flow-Control-Key", List.of("k"));
        h.put(
            "Upstash-Flow-Control-Value",
            List.of(pick(new String[] {"", "rate=", "parallelism=-1", "x=1", "period=1s"})));
        break;
      case 10:
        h.put(
            "Upstash-Redact-Fields",
            List.of(pick(new String[] {"bodies", "header[", "headers[]", "everything"})));
        break;
      case 11:
        h.put("Content-Type", List.of("application/json"));
        return new DeliveryRequest(
            "DELETE",
            base + pick(new String[] {"/v2/messages", "/v2/dlq", "/v2/dlq/retry"}),
            h,
            bytes("{not json"),
            10_000);
      case 12:
        h.put("X-Huge", List.of("x".repeat(70 * 1024)));
        break;
      case 13: // a new name each time: nothing may be kept for names that do not exist (404)
        String name = "nope-" + random.nextLong(Long.MAX_VALUE);
        return random.nextBoolean()
            ? new DeliveryRequest("GET", base + "/v2/queues/" + name, h, null, 10_000)
            : new DeliveryRequest(
                "POST",
                base
                    + pick(new String[] {"/v2/queues/%s/pause", "/v2/flowControl/%s/pause"})
                        .formatted(name),
                h,
                null,
                10_000);
      default:
        h.remove("Authorization");
        h.put("Authorization", List.of(random.nextBoolean() ? "Bearer wrong" : "Basic abc"));
        break;
    }
    if (random.nextInt(500) == 0) {
      return new DeliveryRequest("POST", publish, h, new byte[10 * 1024 * 1024 + 1], 30_000);
    }
    return new DeliveryRequest("POST", publish, h, bytes("bad input"), 10_000);
  }

  /** Requests no well-behaved client sends, over raw sockets. */
  private void rawCase(int n) {
    String[] cases = {
      "GARBAGE\r\n\r\n",
      "GET /v2/keys HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      "POST /v2/publish/http://127.0.0.1:9/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + TOKEN
          + "\r\nContent-Length: 100\r\n\r\nshort",
      "\u0000\u0001\u0002\r\n\r\n",
      "GET " + "/v2/" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
      "POST /v2/publish/a b HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
      "POST /v2/publish/% HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + TOKEN
          + "\r\nContent-Length: 0\r\n\r\n",
      "POST /v2/publish/http://[::1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + TOKEN
          + "\r\nContent-Length: 0\r\n\r\n",
    };
    String req = cases[n % cases.length];
    boolean halfClose = n % cases.length == 2;
    boolean slow = n % 7 == 3;
    requests.incrementAndGet();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(3000);
      OutputStream out = s.getOutputStream();
      byte[] bytes = req.getBytes(StandardCharsets.ISO_8859_1);
      if (slow) {
        for (int i = 0; i < Math.min(bytes.length, 40); i++) {
          out.write(bytes[i]);
          out.flush();
          Thread.sleep(5);
        }
        out.write(bytes, Math.min(bytes.length, 40), Math.max(0, bytes.length - 40));
      } else {
        out.write(bytes);
      }
      out.flush();
      if (halfClose) {
        s.shutdownOutput();
      }
      count(readStatus(s.getInputStream()), "raw " + req.substring(0, Math.min(40, req.length())));
    } catch (IOException e) {
      noAnswer.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int readStatus(InputStream in) throws IOException {
    byte[] buf = new byte[12];
    int n = 0;
    while (n < 12) {
      int r = in.read(buf, n, 12 - n);
      if (r < 0) {
        return 0;
      }
      n += r;
    }
    String line = new String(buf, StandardCharsets.ISO_8859_1);
    return line.startsWith("HTTP/1.1 ") ? Integer.parseInt(line.substring(9, 12)) : 0;
  }

  private String pick(String[] values) {
    return values[random.nextInt(values.length)];
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
