package dev.postbox.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Message;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.tenant.DevTenants;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import dev.postbox.core.workflow.FailureCall;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.Invoker;
import dev.postbox.core.workflow.RunConfig;
import dev.postbox.core.workflow.RunEnd;
import dev.postbox.core.workflow.WorkflowRun;
import dev.postbox.core.workflow.WorkflowService;
import dev.postbox.core.workflow.WorkflowState;
import dev.postbox.core.workflow.Workflows;
import dev.postbox.http.server.ApiRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowLogEndpointsTest {
  private final InMemoryMessageStore store = new InMemoryMessageStore();
  // Logs and refused cancels use neither publishing nor the dispatcher.
  private final WorkflowEndpoints endpoints =
      new WorkflowEndpoints(
          new WorkflowService(new Workflows(store), null, null, new SettableClock()));

  private static String tenant() {
    return DevTenants.DEFAULT_USER.id();
  }

  private static Call call(String method, String uri) {
    ApiRequest r = new ApiRequest(method, uri, Map.of(), new byte[0], "127.0.0.1");
    return new Call(r, DevTenants.DEFAULT_USER, List.of(), "");
  }

  private JsonNode get(String uri) throws Exception {
    Call c = call("GET", uri);
    var response =
        (uri.startsWith("/v2/workflows/events")
                ? endpoints.logs().events(c)
                : endpoints.logs().runs(c))
            .join();
    assertEquals(200, response.status());
    return Json.MAPPER.readTree(response.body());
  }

  private void store(String id, long createdAt, RunEnd end, String... bodies) {
    RunConfig c = new RunConfig(2, null, new FlowControl("fk", 1, null, 1), null, Map.of(), "a,b");
    WorkflowRun r =
        new WorkflowRun(tenant(), id, "http://app/wf", createdAt, "m", 0, false, c, null);
    StoreBatch b = new StoreBatch().putWorkflowRun(r);
    for (int i = 0; i < bodies.length; i++) {
      byte[] body = bodies[i].getBytes(StandardCharsets.UTF_8);
      b.putHistoryEntry(new HistoryEntry(tenant(), id, i, "msg_" + id + i, body, null));
    }
    if (end != null) {
      b.putWorkflowRunEnd(tenant(), id, end);
    }
    store.commit(b, Durability.SYNC).join();
  }

  private static String step(int id, String name, String out, int concurrent, Integer target) {
    return "{\"stepId\":"
        + id
        + ",\"stepName\":\""
        + name
        + "\",\"stepType\":\"Run\",\"out\":"
        + out
        + ",\"concurrent\":"
        + concurrent
        + (target == null ? "" : ",\"targetStep\":" + target)
        + "}";
  }

  @Test
  void aRunShowsItsStepsInSequentialAndParallelGroupsAndItsResponse() throws Exception {
    store(
        "wfr_p",
        1000,
        new RunEnd(WorkflowState.RUN_SUCCESS, 2000, "42".getBytes(StandardCharsets.UTF_8), null),
        "{\"x\":1}",
        step(0, "left", "null", 2, 1),
        step(0, "right", "null", 2, 2),
        step(2, "right", "\"22\"", 2, null),
        step(1, "left", "\"20\"", 2, null),
        step(3, "sum", "\"42\"", 1, null),
        "{\"stepId\":4,\"stepName\":\"nap\",\"stepType\":\"SleepFor\",\"sleepFor\":5,\"concurrent\":1}");
    JsonNode page = get("/v2/workflows/logs");
    assertFalse(page.has("cursor"), page.toString());
    JsonNode run = page.get("runs").get(0);
    assertEquals("wfr_p", run.get("workflowRunId").asText());
    assertEquals("RUN_SUCCESS", run.get("workflowState").asText());
    assertEquals(1000, run.get("workflowRunCreatedAt").asLong());
    assertEquals(2000, run.get("workflowRunCompletedAt").asLong());
    assertEquals("42", run.get("workflowRunResponse").asText());
    assertEquals("a", run.get("label").asText());
    assertEquals("[\"a\",\"b\"]", run.get("labels").toString());
    JsonNode groups = run.get("steps");
    assertEquals(4, groups.size(), groups.toString());
    JsonNode init = groups.get(0).get("steps").get(0);
    assertEquals("sequential", groups.get(0).get("type").asText());
    assertEquals("init", init.get("stepName").asText());
    assertEquals("Initial", init.get("stepType").asText());
    assertEquals("{\"x\":1}", init.get("out").asText());
    assertEquals("msg_wfr_p0", init.get("messageId").asText());
    JsonNode parallel = groups.get(1);
    assertEquals("parallel", parallel.get("type").asText());
    assertEquals(2, parallel.get("steps").size(), parallel.toString());
    assertEquals("left", parallel.get("steps").get(0).get("stepName").asText());
    assertEquals("20", parallel.get("steps").get(0).get("out").asText());
    assertEquals("msg_wfr_p4", parallel.get("steps").get(0).get("messageId").asText());
    assertEquals("right", parallel.get("steps").get(1).get("stepName").asText());
    assertEquals(2, parallel.get("steps").get(1).get("concurrent").asInt());
    JsonNode sum = groups.get(2).get("steps").get(0);
    assertEquals("sequential", groups.get(2).get("type").asText());
    assertEquals("sum", sum.get("stepName").asText());
    assertEquals("STEP_SUCCESS", sum.get("state").asText());
    assertEquals(2, sum.get("retries").asInt());
    assertEquals("step", sum.get("callType").asText());
    assertEquals(5, groups.get(3).get("steps").get(0).get("sleepFor").asInt());
  }

  @Test
  void aFailedRunEndsWithItsFailedMessageAndRunsPageNewestFirst() throws Exception {
    store(
        "r1",
        100,
        new RunEnd(WorkflowState.RUN_FAILED, 150, null, "boom"),
        "p",
        step(1, "s", "1", 1, null));
    store("r2", 200, null, "p");
    store("r3", 300, new RunEnd(WorkflowState.RUN_CANCELED, 350, null, null), "p");
    JsonNode first = get("/v2/workflows/events?groupBy=workflowRunId&count=2");
    assertEquals(2, first.get("runs").size());
    assertEquals("r3", first.get("runs").get(0).get("workflowRunId").asText());
    assertEquals("r2", first.get("runs").get(1).get("workflowRunId").asText());
    JsonNode rest = get("/v2/workflows/logs?count=2&cursor=" + first.get("cursor").asText());
    assertEquals(1, rest.get("runs").size());
    assertFalse(rest.has("cursor"));
    JsonNode failed = rest.get("runs").get(0);
    assertFalse(failed.has("workflowRunResponse"));
    JsonNode next = failed.get("steps").get(2);
    assertEquals("next", next.get("type").asText(), failed.toString());
    JsonNode n = next.get("steps").get(0);
    assertEquals("msg_r11", n.get("messageId").asText());
    assertEquals("STEP_FAILED", n.get("state").asText());
    assertEquals("boom", n.get("errors").get(0).get("error").asText());
    assertEquals(150, n.get("errors").get(0).get("time").asLong());
    assertEquals(1, get("/v2/workflows/logs?state=RUN_CANCELED").get("runs").size());
    assertEquals(0, get("/v2/workflows/logs?fromDate=301").get("runs").size());
    assertEquals(10, WorkflowLogEndpoints.MAX_RUNS);
    assertEquals(3, get("/v2/workflows/logs?count=500").get("runs").size());
  }

  @Test
  void theErrorOfAFailedRunHasTheAnswerThatFailedIt() throws Exception {
    byte[] plain = "not a workflow".getBytes(StandardCharsets.UTF_8);
    store("nw", 100, new RunEnd(WorkflowState.RUN_FAILED, 150, plain, "no sdk"), "p");
    JsonNode e = failedStepError("nw");
    assertEquals("no sdk", e.get("error").asText(), e.toString());
    assertEquals("not a workflow", e.get("body").asText(), e.toString());
    assertFalse(e.has("status"), "known from a DLQ entry only");

    store("dl", 200, new RunEnd(WorkflowState.RUN_FAILED, 250, null, "boom", "250-0"), "p");
    Message m = Message.builder().withTenant(tenant()).withId("msg_dl0").withUrl("u").build();
    byte[] answer = "{\"error\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    DlqEntry d = new DlqEntry("250-0", m, 250, 489, Map.of("X-E", List.of("1")), answer, null);
    store.commit(new StoreBatch().putDlq(d), Durability.SYNC).join();
    e = failedStepError("dl");
    assertEquals(489, e.get("status").asInt(), e.toString());
    assertEquals("{\"error\":\"x\"}", e.get("body").asText());
    assertEquals("1", e.get("headers").get("X-E").get(0).asText());
  }

  private JsonNode failedStepError(String runId) throws Exception {
    JsonNode run = get("/v2/workflows/logs?workflowRunId=" + runId).get("runs").get(0);
    JsonNode steps = run.get("steps");
    JsonNode next = steps.get(steps.size() - 1);
    assertEquals("next", next.get("type").asText(), run.toString());
    return next.get("steps").get(0).get("errors").get(0);
  }

  @Test
  void aFailedRunShowsItsDlqIdAndFailureFunctionAndAnInvokedRunItsInvoker() throws Exception {
    store("f", 100, new RunEnd(WorkflowState.RUN_FAILED, 150, null, "boom", "150-0"), "p");
    Message failed = Message.builder().withTenant(tenant()).withId("msg_f1").withUrl("u").build();
    store
        .commit(
            new StoreBatch()
                .putDlq(
                    new DlqEntry(
                        "150-0",
                        failed,
                        150,
                        489,
                        Map.of("X-E", List.of("1")),
                        "{\"error\":\"boom\"}".getBytes(StandardCharsets.UTF_8),
                        null))
                .putFailureCall(
                    new FailureCall(
                        tenant(),
                        "f",
                        "150-0",
                        "msg_fc",
                        "http://app/wf",
                        FailureCall.State.CALLBACK_SUCCESS,
                        200,
                        Map.of(),
                        "ok".getBytes(StandardCharsets.UTF_8),
                        160)),
            Durability.SYNC)
        .join();
    JsonNode f = get("/v2/workflows/logs?workflowRunId=f").get("runs").get(0);
    assertEquals("150-0", f.get("dlqId").asText(), f.toString());
    JsonNode ff = f.get("failureFunction");
    assertEquals("msg_fc", ff.get("messageId").asText(), ff.toString());
    assertEquals("http://app/wf", ff.get("url").asText());
    assertEquals("CALLBACK_SUCCESS", ff.get("state").asText());
    assertEquals(489, ff.get("failStatus").asInt());
    assertEquals("{\"error\":\"boom\"}", ff.get("failResponse").asText());
    assertEquals("1", ff.get("failHeaders").get("X-E").get(0).asText());
    assertEquals("150-0", ff.get("dlqId").asText());
    assertEquals(200, ff.get("responseStatus").asInt());
    assertEquals("ok", ff.get("responseBody").asText());
    assertFalse(f.has("invoker"));

    RunConfig c = new RunConfig(0, null, null, null, Map.of(), null);
    WorkflowRun child =
        new WorkflowRun(tenant(), "child", "http://app/child", 200, "m", 1, false, c, null)
            .withInvoker(new Invoker("http://app/parent", "parent", 90, Map.of(), "{}"));
    store.commit(new StoreBatch().putWorkflowRun(child), Durability.SYNC).join();
    JsonNode ch = get("/v2/workflows/logs?workflowRunId=child").get("runs").get(0);
    assertEquals(
        "{\"workflowRunId\":\"parent\",\"workflowUrl\":\"http://app/parent\","
            + "\"workflowRunCreatedAt\":90}",
        ch.get("invoker").toString());
    assertFalse(ch.has("dlqId"));
    assertFalse(ch.has("failureFunction"));
  }

  @Test
  void aParallelBranchThatFailedTheRunIsShownFailedInItsBlock() throws Exception {
    store(
        "pf",
        100,
        new RunEnd(WorkflowState.RUN_FAILED, 150, null, "step failed", "150-1"),
        "p",
        step(0, "invoke child", "null", 2, 1),
        step(0, "failing step", "null", 2, 2),
        "{\"stepId\":1,\"stepName\":\"invoke child\",\"stepType\":\"Invoke\",\"out\":\"{}\","
            + "\"concurrent\":2}");
    Message failed = Message.builder().withTenant(tenant()).withId("msg_pf2").withUrl("u").build();
    byte[] answer = "{\"error\":\"step failed\"}".getBytes(StandardCharsets.UTF_8);
    DlqEntry d = new DlqEntry("150-1", failed, 150, 489, Map.of(), answer, null);
    store.commit(new StoreBatch().putDlq(d), Durability.SYNC).join();

    JsonNode run = get("/v2/workflows/logs?workflowRunId=pf").get("runs").get(0);
    JsonNode groups = run.get("steps");
    assertEquals(2, groups.size(), "init and the block, no next group: " + groups);
    JsonNode block = groups.get(1);
    assertEquals("parallel", block.get("type").asText(), groups.toString());
    assertEquals(2, block.get("steps").size(), block.toString());
    JsonNode invoke = block.get("steps").get(0);
    assertEquals("invoke child", invoke.get("stepName").asText());
    assertEquals("STEP_SUCCESS", invoke.get("state").asText());
    JsonNode branch = block.get("steps").get(1);
    assertEquals("failing step", branch.get("stepName").asText());
    assertEquals(2, branch.get("stepId").asInt());
    assertEquals("msg_pf2", branch.get("messageId").asText());
    assertEquals("STEP_FAILED", branch.get("state").asText());
    JsonNode e = branch.get("errors").get(0);
    assertEquals("step failed", e.get("error").asText());
    assertEquals(489, e.get("status").asInt());
  }

  @Test
  void aFailedRunStopsAtTheMessageItsDlqEntryNames() throws Exception {
    store(
        "fm",
        100,
        new RunEnd(WorkflowState.RUN_FAILED, 150, null, "boom", "150-2"),
        "p",
        step(1, "a", "1", 1, null),
        step(2, "b", "2", 1, null));
    Message failed = Message.builder().withTenant(tenant()).withId("msg_fm1").withUrl("u").build();
    store
        .commit(
            new StoreBatch()
                .putDlq(new DlqEntry("150-2", failed, 150, 500, Map.of(), new byte[0], null)),
            Durability.SYNC)
        .join();
    JsonNode run = get("/v2/workflows/logs?workflowRunId=fm").get("runs").get(0);
    JsonNode steps = run.get("steps");
    JsonNode next = steps.get(steps.size() - 1);
    assertEquals("next", next.get("type").asText(), run.toString());
    assertEquals("msg_fm1", next.get("steps").get(0).get("messageId").asText());
  }

  @Test
  void malformedQueriesAre400() {
    assertEquals(
        "only groupBy=workflowRunId is supported on /v2/workflows/events (docs/workflow.md)",
        assertThrows(
                InvalidRequestException.class,
                () -> endpoints.logs().events(call("GET", "/v2/workflows/events")))
            .getMessage());
    for (String q : List.of("count=0", "count=x", "cursor=nope", "state=DONE", "fromDate=x")) {
      assertThrows(
          InvalidRequestException.class,
          () -> endpoints.logs().runs(call("GET", "/v2/workflows/logs?" + q)),
          q);
    }
  }

  @Test
  void bulkCancelRefusesMalformedFiltersAndAppliesTheOthers() {
    store("old", 100, null, "p");
    for (String q :
        List.of(
            "fromDate=yesterday", "toDate=x", "callerIp=1.2.3.4", "workflowUrlExactMatch=maybe")) {
      assertThrows(
          InvalidRequestException.class,
          () -> endpoints.cancelMany(call("DELETE", "/v2/workflows/runs?" + q)),
          q);
    }
    // None of these match the one going run, so nothing is cancelled (and nothing dispatched).
    for (String q :
        List.of("fromDate=101", "toDate=99", "flowControlKey=other", "cursor=old", "label=c")) {
      JsonNode n =
          Json.parse(
              endpoints.cancelMany(call("DELETE", "/v2/workflows/runs?" + q)).join().body(),
              "answer");
      assertEquals(0, n.get("cancelled").asInt(), q);
    }
    assertTrue(store.findRun(tenant(), "old").orElseThrow().state() == WorkflowState.RUN_STARTED);
  }
}
