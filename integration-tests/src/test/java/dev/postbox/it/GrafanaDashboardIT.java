package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postbox.app.Broker;
import dev.postbox.core.tenant.DevTenants;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker/grafana/postbox-dashboard.json} is valid JSON whose queries name only metrics a
 * real scrape of {@code /metrics} has, and it charts every {@code postbox_*} metric the server
 * exports.
 */
class GrafanaDashboardIT {
  private static final Path DASHBOARD =
      Path.of("..", "docker", "grafana", "postbox-dashboard.json");

  /** A metric name in a query: ours and Micrometer's binders' all start so. */
  private static final Pattern METRIC =
      Pattern.compile("\\b(?:postbox|jvm|process|system)_[a-zA-Z0-9_]+\\b");

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

  @TempDir Path dataDir;

  @Test
  void everyMetricTheDashboardQueriesIsExportedAndEveryPostboxMetricIsCharted() throws Exception {
    List<String> queries = queries(Api.JSON.readTree(DASHBOARD.toFile()));
    assertTrue(queries.size() > 20, "queries: " + queries);
    Set<String> queried = new TreeSet<>();
    for (String q : queries) {
      Matcher m = METRIC.matcher(q);
      boolean any = false;
      while (m.find()) {
        queried.add(m.group());
        any = true;
      }
      assertTrue(any, "a query that names no metric we know: " + q);
    }

    Set<String> exported;
    try (Broker broker = InProcessBroker.start(dataDir);
        TestReceiver receiver = new TestReceiver()) {
      Api api = new Api("http://127.0.0.1:" + broker.port(), DevTenants.DEFAULT_USER.token());
      // Traffic, so that every series exists: a delivery, and a message waiting in a paused
      // queue (per-queue lag is exported for queues with messages waiting only).
      assertEquals(200, api.publish(receiver.url("/ok"), "x").status());
      Poll.until(Duration.ofSeconds(15), "the delivery", () -> receiver.received().size() == 1);
      assertEquals(
          200,
          api.send("POST", "/v2/queues", "{\"queueName\":\"lag\",\"parallelism\":1}").status());
      assertEquals(200, api.send("POST", "/v2/queues/lag/pause", null).status());
      assertEquals(
          200, api.send("POST", "/v2/enqueue/lag/" + receiver.url("/later"), "y").status());
      System.gc(); // GC pause timers appear with the first collection
      Poll.until(
          Duration.ofSeconds(15),
          "GC and queue series in the scrape",
          () ->
              scrape(api)
                  .containsAll(
                      Set.of("jvm_gc_pause_seconds_count", "postbox_queue_waiting_messages")));
      exported = scrape(api);
    }

    Set<String> missing = new TreeSet<>(queried);
    missing.removeAll(exported);
    assertTrue(missing.isEmpty(), "the dashboard queries metrics not exported: " + missing);

    Set<String> families = new TreeSet<>();
    exported.stream()
        .filter(n -> n.startsWith("postbox_"))
        .map(GrafanaDashboardIT::family)
        .forEach(families::add);
    Set<String> charted = new TreeSet<>();
    queried.stream().map(GrafanaDashboardIT::family).forEach(charted::add);
    families.removeAll(charted);
    assertTrue(families.isEmpty(), "postbox metrics without a panel: " + families);
  }

  /** Every panel's (rows' nested panels too) query expressions, and the variables' queries. */
  private static List<String> queries(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    List<JsonNode> panels = new ArrayList<>();
    dashboard.get("panels").forEach(panels::add);
    for (int i = 0; i < panels.size(); i++) {
      JsonNode p = panels.get(i);
      if (p.has("panels")) {
        p.get("panels").forEach(panels::add);
      }
      if (!p.get("type").asText().equals("row")) {
        assertTrue(p.has("targets") && p.get("targets").size() > 0, "no query: " + p.get("title"));
        p.get("targets").forEach(t -> out.add(t.get("expr").asText()));
      }
    }
    for (JsonNode v : dashboard.get("templating").get("list")) {
      if (v.get("type").asText().equals("query")) {
        out.add(v.get("definition").asText());
      }
    }
    assertFalse(out.isEmpty());
    return out;
  }

  /** Sample names of a scrape: {@code postbox_x_total}, {@code postbox_y_seconds_bucket}, ... */
  private static Set<String> scrape(Api api) {
    Api.Response r = api.send("GET", "/metrics", null);
    assertEquals(200, r.status(), r.body());
    Set<String> names = new TreeSet<>();
    for (String line : r.body().split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** A sample name without the suffixes Prometheus adds to a family's samples. */
  private static String family(String sample) {
    return sample.replaceFirst("_(total|bucket|count|sum|max)$", "");
  }
}
