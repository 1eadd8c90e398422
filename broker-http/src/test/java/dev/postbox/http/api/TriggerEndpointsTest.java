package dev.postbox.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.tenant.DevTenants;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import dev.postbox.core.testing.TestDispatchers;
import dev.postbox.core.workflow.TriggerService;
import dev.postbox.core.workflow.WorkflowRun;
import dev.postbox.core.workflow.Workflows;
import dev.postbox.http.server.ApiRequest;
import dev.postbox.http.server.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriggerEndpointsTest {
  private static final String URL = "http://app/wf";

  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private final SettableClock clock = new SettableClock();
  private final TriggerEndpoints endpoints =
      new TriggerEndpoints(
          new TriggerService(new Workflows(store), TestDispatchers.publishService(store, clock)),
          PublishLimits.defaults(),
          clock);

  private static Call call(String rest, Map<String, List<String>> headers, String body) {
    ApiRequest r =
        new ApiRequest(
            "POST", "/v2/" + rest, headers, body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    String tail = rest.startsWith("trigger/") ? rest.substring("trigger/".length()) : "";
    return new Call(r, DevTenants.DEFAULT_USER, List.of(), tail);
  }

  private static Map<String, List<String>> headers(String... kv) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      h.put(kv[i], List.of(kv[i + 1]));
    }
    return h;
  }

  private static JsonNode json(ApiResponse r) {
    assertEquals(200, r.status());
    return Json.parse(r.body(), "the answer");
  }

  private ApiResponse trigger(Map<String, List<String>> headers, String body) {
    return endpoints.trigger(call("trigger/" + URL, headers, body)).join();
  }

  private WorkflowRun run(String id) {
    return store.findRun(DevTenants.DEFAULT_USER.id(), id).orElseThrow();
  }

  @Test
  void aTriggerStartsARunConfiguredByItsHeaders() {
    clock.set(1_700_000_000_000L);
    JsonNode a =
        json(
            trigger(
                headers(
                    "Upstash-Workflow-RunId", "wfr_given",
                    "Upstash-Label", "lbl",
                    "Upstash-Retries", "1",
                    "Upstash-Forward-X-User", "u",
                    "Upstash-Workflow-Unknown-Sdk", "true"),
                "{\"n\":1}"));
    assertEquals("wfr_given", a.get("workflowRunId").asText());
    assertEquals(1_700_000_000_000L, a.get("workflowCreatedAt").asLong());
    assertFalse(a.has("deduplicated"));
    WorkflowRun run = run("wfr_given");
    assertTrue(run.serverTriggered());
    assertEquals("lbl", run.config().label());
    assertEquals(1, run.config().retries());
    assertEquals(URL, run.url());
    Message trigger =
        store
            .findMessage(new MessageRef(DevTenants.DEFAULT_USER.id(), run.triggerMessageId()))
            .orElseThrow();
    assertEquals(List.of("u"), trigger.headers().get("X-User"));
    assertEquals(List.of("true"), trigger.headers().get("Upstash-Workflow-Unknown-Sdk"));

    JsonNode again = json(trigger(headers("Upstash-Workflow-RunId", "wfr_given"), ""));
    assertTrue(again.get("deduplicated").asBoolean());
    assertTrue(json(trigger(headers(), "")).get("workflowRunId").asText().startsWith("wfr_"));
  }

  @Test
  void aTriggerAskingForMoreRetriesThanAllowedIsRefusedAsALimit() {
    for (Map<String, List<String>> h :
        List.of(
            headers("Upstash-Retries", "1000000"),
            headers("Upstash-Workflow-RunId", "wfr_r", "Upstash-Retries", "1000000"))) {
      BrokerException e =
          assertThrows(
              BrokerException.class, () -> endpoints.trigger(call("trigger/" + URL, h, "")));
      assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code(), e.getMessage());
    }
  }

  @Test
  void badTriggersAre400() {
    for (Call c :
        List.of(
            call("trigger/not-a-url", headers(), ""),
            call("trigger/" + URL, headers("Upstash-Workflow-RunId", " "), ""),
            call("trigger/" + URL, headers("Upstash-Retries", "x"), ""),
            call("trigger/" + URL, headers("Upstash-Cron", "* * * * *"), ""))) {
      assertThrows(InvalidRequestException.class, () -> endpoints.trigger(c), c.rest());
    }
  }

  @Test
  void aBatchAnswersEachRunInOrderAndAnInvalidEntryRefusesIt() {
    String body =
        "[{\"destination\":\""
            + URL
            + "\",\"body\":\"a\",\"headers\":{\"Upstash-Workflow-RunId\":\"wfr_1\"}},"
            + "{\"destination\":\""
            + URL
            + "\",\"headers\":{\"Upstash-Workflow-RunId\":[\"wfr_1\"]}}]";
    JsonNode a =
        Json.parse(endpoints.batch(call("batch/trigger", headers(), body)).join().body(), "a");
    assertEquals(2, a.size());
    assertEquals("wfr_1", a.get(0).get("workflowRunId").asText());
    assertFalse(a.get(0).get("deduplicated").asBoolean());
    assertTrue(a.get(1).get("deduplicated").asBoolean());

    InvalidRequestException e =
        assertThrows(
            InvalidRequestException.class,
            () ->
                endpoints.batch(
                    call(
                        "batch/trigger",
                        headers(),
                        "[{\"destination\":\"" + URL + "\"},{\"body\":\"x\"}]")));
    assertTrue(e.getMessage().startsWith("entry 1"), e.getMessage());
    assertThrows(
        InvalidRequestException.class,
        () -> endpoints.batch(call("batch/trigger", headers(), "{}")));
  }
}
