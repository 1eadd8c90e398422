package dev.postbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the wrk load generator (Debian package {@code wrk}) against 127.0.0.1 and parses it. */
final class Wrk {
  /**
   * A run's figures.
   *
   * @param rps requests per second
   * @param p50Ms median latency
   * @param p99Ms 99th percentile latency
   * @param requests requests completed
   * @param errors non-2xx answers plus socket errors
   */
  record Result(double rps, double p50Ms, double p99Ms, long requests, long errors) {}

  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
  private static final Pattern PCT =
      Pattern.compile("^\\s+(50|99)%\\s+([\\d.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
  private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern SOCKET =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  private final Path work;

  Wrk(Path work) {
    this.work = work;
  }

  /** POSTs {@code body} with {@code headers} to {@code url} for {@code seconds}. */
  Result post(String url, byte[] body, Map<String, String> headers, int connections, int seconds)
      throws IOException, InterruptedException {
    Path bodyFile = Files.write(Files.createTempFile(work, "body", ".bin"), body);
    StringBuilder lua = new StringBuilder();
    lua.append("local f = io.open(\"").append(bodyFile).append("\", \"rb\")\n");
    lua.append("wrk.method = \"POST\"\nwrk.body = f:read(\"*all\")\nf:close()\n");
    headers.forEach(
        (k, v) ->
            lua.append("wrk.headers[\"").append(k).append("\"] = \"").append(v).append("\"\n"));
    Path script = Files.writeString(Files.createTempFile(work, "post", ".lua"), lua.toString());
    List<String> cmd =
        new ArrayList<>(List.of("wrk", "-t2", "-c" + connections, "-d" + seconds + "s"));
    cmd.addAll(List.of("--latency", "--timeout", "10s", "-s", script.toString(), url));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("wrk failed:\n" + out);
    }
    return parse(out);
  }

  static Result parse(String out) {
    Matcher rps = RPS.matcher(out);
    if (!rps.find()) {
      throw new IllegalStateException("no Requests/sec in wrk output:\n" + out);
    }
    double p50 = Double.NaN;
    double p99 = Double.NaN;
    Matcher m = PCT.matcher(out);
    while (m.find()) {
      double v = Double.parseDouble(m.group(2));
      double ms = m.group(3).equals("us") ? v / 1000 : m.group(3).equals("s") ? v * 1000 : v;
      if (m.group(1).equals("50")) {
        p50 = ms;
      } else {
        p99 = ms;
      }
    }
    Matcher total = TOTAL.matcher(out);
    long requests = total.find() ? Long.parseLong(total.group(1)) : 0;
    long errors = 0;
    Matcher n = NON2XX.matcher(out);
    if (n.find()) {
      errors += Long.parseLong(n.group(1));
    }
    Matcher s = SOCKET.matcher(out);
    if (s.find()) {
      for (int i = 1; i <= 4; i++) {
        errors += Long.parseLong(s.group(i));
      }
    }
    return new Result(Double.parseDouble(rps.group(1)), p50, p99, requests, errors);
  }
}
