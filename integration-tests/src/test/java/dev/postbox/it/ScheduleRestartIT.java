package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules across a crash: schedules are created, the server is killed with SIGKILL while they
 * tick, and restarted on the same data dir. Every schedule must still be there, must fire again,
 * and no tick may be produced twice (at most one message per schedule per tick period, judged by
 * the CREATED log times the broker recorded).
 */
class ScheduleRestartIT {
  private static final int SCHEDULES = 40;
  private static final long PERIOD_MS = 2_000;

  @TempDir Path work;

  @Test
  void schedulesSurviveKill9AndFireOncePerTick() throws Exception {
    Path dataDir = work.resolve("data");
    try (TestReceiver receiver = new TestReceiver()) {
      Map<String, Set<String>> deliveredBySchedule = new ConcurrentHashMap<>();
      receiver.respond(
          r -> {
            deliveredBySchedule
                .computeIfAbsent(
                    r.header("Upstash-Schedule-Id"), k -> ConcurrentHashMap.newKeySet())
                .add(r.header("Upstash-Message-Id"));
            return TestReceiver.Reply.ok();
          });
      JarServer server =
          JarServer.start(dataDir, work.resolve("first.log"), "--cron-seconds", "true");
      try (server) {
        Api api = server.api();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < SCHEDULES; i++) {
          Api.Response r =
              api.send(
                  "POST",
                  "/v2/schedules/" + receiver.url("/tick/" + i),
                  "tick " + i,
                  "Upstash-Cron",
                  "*/2 * * * * *",
                  "Upstash-Schedule-Id",
                  "restart-" + i);
          assertEquals(200, r.status(), r.body());
          ids.add(r.json().get("scheduleId").asText());
        }
        Poll.until(
            Duration.ofSeconds(30),
            "every schedule to fire once",
            () -> ids.stream().allMatch(deliveredBySchedule::containsKey));
        server.kill();

        Map<String, Integer> before = new HashMap<>();
        ids.forEach(id -> before.put(id, deliveredBySchedule.get(id).size()));
        JarServer restarted = JarServer.start(dataDir, work.resolve("second.log"));
        try (restarted) {
          Api api2 = restarted.api();
          JsonNode list = api2.send("GET", "/v2/schedules", null).json();
          Set<String> listed = new HashSet<>();
          list.forEach(s -> listed.add(s.get("scheduleId").asText()));
          assertTrue(listed.containsAll(ids), "schedules lost in the crash: " + listed);
          // Two more ticks each after the restart (the restart itself runs without --cron-seconds:
          // stored 6-field schedules keep working).
          Poll.until(
              Duration.ofSeconds(30),
              "every schedule to fire twice after the restart",
              () ->
                  ids.stream()
                      .allMatch(id -> deliveredBySchedule.get(id).size() >= before.get(id) + 2));
          for (String id : ids) {
            assertAtMostOneTickPerPeriod(api2, id);
          }
          restarted.stop();
        }
      }
    }
  }

  /** The CREATED times of a schedule's messages: never two in one tick period. */
  private static void assertAtMostOneTickPerPeriod(Api api, String scheduleId) {
    JsonNode logs =
        api.send("GET", "/v2/logs?state=CREATED&count=1000&scheduleId=" + scheduleId, null).json();
    Map<Long, String> byPeriod = new HashMap<>();
    for (JsonNode e : logs.get("logs")) {
      long period = e.get("time").asLong() / PERIOD_MS;
      String other = byPeriod.put(period, e.get("messageId").asText());
      assertTrue(
          other == null,
          "schedule " + scheduleId + " produced two messages in one tick: " + other + ", " + e);
    }
    assertTrue(byPeriod.size() >= 3, "too few ticks logged for " + scheduleId + ": " + logs);
  }
}
