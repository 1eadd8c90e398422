package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postbox.app.Broker;
import dev.postbox.core.tenant.DevTenants;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --max-queues} and {@code --max-schedules}: a tenant's queues are bounded. Creating one
 * more, by upsert, enqueue or a batch entry, is a 412 with a clear error and stores nothing;
 * updating an existing queue still works, a delete makes room, and the count survives a restart.
 */
class TenantLimitsIT {
  private static final String NOWHERE = "http://127.0.0.1:9/q";

  @TempDir Path dataDir;

  @Test
  void aTenantHasAtMostMaxQueues() throws Exception {
    try (Broker broker = start()) {
      Api api = api(broker);
      assertEquals(200, upsert(api, "a").status());
      assertEquals(200, upsert(api, "b").status());
      assertEquals(200, enqueue(api, "c").status()); // created by its first message

      Api.Response refused = upsert(api, "d");
      assertEquals(412, refused.status(), refused.body());
      assertTrue(refused.json().get("error").asText().contains("queue limit"), refused.body());
      Api.Response enqueued = enqueue(api, "e");
      assertEquals(412, enqueued.status(), enqueued.body());
      Api.Response batch =
          api.send(
              "POST",
              "/v2/batch",
              "[{\"destination\":\""
                  + NOWHERE
                  + "\",\"queue\":\"a\",\"body\":\"1\"},"
                  + "{\"destination\":\""
                  + NOWHERE
                  + "\",\"queue\":\"f\",\"body\":\"2\"}]");
      assertEquals(412, batch.status(), batch.body());
      assertEquals(List.of("a", "b", "c"), names(api));
      assertEquals(0, api.send("GET", "/v2/queues/a", null).json().get("lag").asLong());

      assertEquals(200, upsert(api, "a").status()); // an update is not a new queue
      assertEquals(200, api.send("DELETE", "/v2/queues/b", null).status());
      assertEquals(200, upsert(api, "d").status());
      assertEquals(List.of("a", "c", "d"), names(api));
    }
    try (Broker restarted = start()) {
      Api api = api(restarted);
      assertEquals(412, upsert(api, "g").status());
      assertEquals(200, enqueue(api, "d").status());
    }
  }

  @Test
  void aTenantHasAtMostMaxSchedules() throws Exception {
    try (Broker broker = start()) {
      Api api = api(broker);
      assertEquals(200, schedule(api, null).status());
      String id = schedule(api, "nightly").json().get("scheduleId").asText();
      Api.Response refused = schedule(api, null);
      assertEquals(412, refused.status(), refused.body());
      assertTrue(refused.json().get("error").asText().contains("schedule limit"), refused.body());
      assertEquals(200, schedule(api, id).status()); // replacing is not creating
      assertEquals(200, api.send("DELETE", "/v2/schedules/" + id, null).status());
      assertEquals(200, schedule(api, null).status());
    }
  }

  private Broker start() throws Exception {
    return InProcessBroker.start(dataDir, "--max-queues", "3", "--max-schedules", "2");
  }

  private static Api.Response schedule(Api api, String id) {
    return id == null
        ? api.send("POST", "/v2/schedules/" + NOWHERE, "x", "Upstash-Cron", "0 0 * * *")
        : api.send(
            "POST",
            "/v2/schedules/" + NOWHERE,
            "x",
            "Upstash-Cron",
            "0 0 * * *",
            "Upstash-Schedule-Id",
            id);
  }

  private static Api api(Broker broker) {
    return new Api("http://127.0.0.1:" + broker.port(), DevTenants.DEFAULT_USER.token());
  }

  private static Api.Response upsert(Api api, String name) {
    return api.send("POST", "/v2/queues", "{\"queueName\":\"" + name + "\",\"parallelism\":1}");
  }

  private static Api.Response enqueue(Api api, String name) {
    return api.send("POST", "/v2/enqueue/" + name + "/" + NOWHERE, "x", "Upstash-Delay", "1h");
  }

  private static List<String> names(Api api) {
    List<String> out = new ArrayList<>();
    for (JsonNode q : api.send("GET", "/v2/queues", null).json()) {
      out.add(q.get("name").asText());
    }
    return out;
  }
}
