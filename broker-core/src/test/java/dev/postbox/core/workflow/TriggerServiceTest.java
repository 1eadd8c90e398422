package dev.postbox.core.workflow;

import static dev.postbox.core.workflow.WorkflowFixture.sdkHeaders;
import static dev.postbox.core.workflow.WorkflowFixture.unb64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.publish.Deduplication;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code POST /v2/trigger}: the run starts once the SDK has published its own trigger. */
class TriggerServiceTest {
  private static final String URL = "http://app/wf";

  /** Asks for the endpoint to be asked to trigger the run itself. */
  private static final String ASK_SDK = "upstash-workflow-unknown-sdk";

  private final WorkflowFixture f = new WorkflowFixture();

  private TriggerService.Triggered trigger(String runId, String body, String... headers) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], List.of(headers[i + 1]));
    }
    return f.triggers.trigger(f.message(URL, h, body), runId).join();
  }

  /** What the SDK publishes when asked to trigger: the echo of the delivery's headers included. */
  private Deduplication.Published sdkTrigger(String runId, String body) {
    Map<String, List<String>> h = sdkHeaders(URL, runId, true);
    h.put("upstash-workflow-trigger-by-sdk", List.of("true"));
    h.put("upstash-forward-upstash-signature", List.of("stale"));
    h.put("upstash-forward-user-agent", List.of("postbox"));
    return f.publish(URL, h, body);
  }

  private static List<String> history(String deliveryBody) {
    Matcher m = Pattern.compile("\"body\":\"([^\"]*)\"").matcher(deliveryBody);
    return m.results().map(r -> unb64(r.group(1))).toList();
  }

  @Test
  void theEndpointIsAskedToTriggerAndItsTriggerStartsTheRunWithTheRequestsConfig() {
    TriggerService.Triggered t =
        trigger(
            null,
            "{\"n\":1}",
            ASK_SDK,
            "true",
            "upstash-retries",
            "0",
            "upstash-label",
            "lbl",
            "upstash-forward-x-user",
            "u1");
    assertTrue(t.runId().startsWith("wfr_"), t.runId());
    assertFalse(t.deduplicated());
    assertEquals(f.clock.millis(), t.createdAt());
    f.deliverAll();
    assertEquals(1, f.sent.size());
    Map<String, List<String>> asked = f.sent.get(0).headers();
    assertEquals(List.of("true"), asked.get("Upstash-Workflow-Unknown-Sdk"));
    assertEquals(List.of(t.runId()), asked.get("Upstash-Workflow-RunId"));
    assertEquals(List.of("u1"), asked.get("X-User"));
    assertEquals(List.of("{\"n\":1}"), history(f.body(0)));

    Deduplication.Published first = sdkTrigger(t.runId(), "{\"n\":1}");
    assertFalse(first.deduplicated(), "the SDK's trigger starts the run");
    assertTrue(sdkTrigger(t.runId(), "{\"n\":1}").deduplicated(), "but only once");
    String id = first.accepted().get(0).messageId();
    Message stored = f.store.findMessage(new MessageRef("t1", id)).orElseThrow();
    assertEquals(0, stored.maxRetries());
    assertEquals(List.of("u1"), stored.headers().get("X-User"));
    assertNull(stored.headers().get("Upstash-Signature"), "the echoed headers are dropped");
    assertNull(stored.headers().get("User-Agent"));
    f.deliverAll();
    assertEquals(2, f.sent.size());
    assertEquals(List.of("{\"n\":1}"), history(f.body(1)));
    assertEquals(List.of("lbl"), f.sent.get(1).headers().get("Upstash-Label"));
    List<HistoryEntry> h = f.workflows.history("t1", t.runId());
    assertEquals(List.of(id), h.stream().map(HistoryEntry::messageId).toList());
    f.step(URL, t.runId(), "{\"stepId\":1}");
    f.workflows.end("t1", t.runId(), false, "\"ok\"".getBytes()).join();
    assertEquals(WorkflowState.RUN_SUCCESS, f.state(t.runId()));
  }

  @Test
  void aClientTriggerForwardingTheUnknownSdkHeaderAsksTheSdkToTriggerTheRunToo() {
    Map<String, List<String>> h = sdkHeaders(URL, "wfr_u", true);
    h.put("upstash-forward-upstash-workflow-unknown-sdk", List.of("true"));
    h.put("upstash-forward-x-user", List.of("u1"));
    h.put("upstash-retries", List.of("0"));
    assertFalse(f.publish(URL, h, "\u201cp\u201d").deduplicated());
    f.deliverAll();
    assertEquals(1, f.sent.size());
    assertEquals(List.of("true"), f.sent.get(0).headers().get("Upstash-Workflow-Unknown-Sdk"));
    assertEquals(
        List.of("\u201cp\u201d"), history(f.body(0)), "the history the SDK reads, not the payload");

    Deduplication.Published first = sdkTrigger("wfr_u", "\u201cp\u201d");
    assertFalse(first.deduplicated(), "the SDK's trigger starts the run");
    String id = first.accepted().get(0).messageId();
    assertEquals(0, f.store.findMessage(new MessageRef("t1", id)).orElseThrow().maxRetries());
    f.deliverAll();
    assertEquals(2, f.sent.size());
    assertEquals(List.of("\u201cp\u201d"), history(f.body(1)));
    assertNull(f.sent.get(1).headers().get("Upstash-Workflow-Unknown-Sdk"));
    assertEquals(List.of("u1"), f.sent.get(1).headers().get("X-User"));
    assertEquals(
        List.of(id),
        f.workflows.history("t1", "wfr_u").stream().map(HistoryEntry::messageId).toList());
  }

  @Test
  void aRunIdThatExistsStartsNothing() {
    TriggerService.Triggered t = trigger("wfr_x", "a");
    f.clock.set(f.clock.millis() + 5);
    TriggerService.Triggered again = trigger("wfr_x", "b");
    assertTrue(again.deduplicated());
    assertEquals(t.createdAt(), again.createdAt());
    f.deliverAll();
    assertEquals(1, f.sent.size());
    assertTrue(
        f.publish(URL, sdkHeaders(URL, "wfr_sdk", true), "").accepted().size() == 1
            && trigger("wfr_sdk", "").deduplicated(),
        "a run the SDK triggered is not taken over");
  }

  @Test
  void aDestinationThatIsNotAWorkflowFailsTheRun() {
    TriggerService.Triggered t = trigger("wfr_nw", "x");
    f.answers.add(new DeliveryResponse(200, Map.of(), new byte[0], null));
    f.deliverAll();
    WorkflowRun run = f.store.findRun("t1", t.runId()).orElseThrow();
    assertEquals(WorkflowState.RUN_FAILED, run.state());
    assertEquals(WorkflowDeliveries.NOT_A_WORKFLOW, run.end().error());
  }

  @Test
  void theAnswerOfADestinationThatIsNotAWorkflowIsKeptWithTheRunsEnd() {
    TriggerService.Triggered t = trigger("wfr_nwb", "x");
    f.answers.add(new DeliveryResponse(200, Map.of(), "plain answer".getBytes(), null));
    f.deliverAll();
    RunEnd end = f.store.findRun("t1", t.runId()).orElseThrow().end();
    assertEquals(WorkflowDeliveries.NOT_A_WORKFLOW, end.error());
    assertEquals(
        "plain answer", new String(end.response()), "the logs show it as the error's body");
  }

  @Test
  void aDestinationThatIsNotAWorkflowFailsTheRunAfterARestartToo() {
    TriggerService.Triggered t = trigger("wfr_nw2", "x");
    WorkflowFixture restarted = new WorkflowFixture(f.store);
    restarted.answers.add(new DeliveryResponse(200, Map.of(), new byte[0], null));
    restarted.deliverAll();
    assertEquals(1, restarted.sent.size());
    assertEquals(WorkflowState.RUN_FAILED, restarted.state(t.runId()));
  }

  @Test
  void cancellingBeforeTheSdkTriggeredDropsTheTriggerMessage() {
    TriggerService.Triggered t = trigger("wfr_c", "x", ASK_SDK, "true", "upstash-delay", "10s");
    assertEquals(1, f.workflows.cancelIds("t1", List.of(t.runId())).join());
    f.clock.set(f.clock.millis() + 11_000);
    f.deliverAll();
    assertEquals(0, f.sent.size());
    assertTrue(sdkTrigger(t.runId(), "x").deduplicated(), "an ended run is not started again");
  }

  @Test
  void theFailureCallbackIsMarkedForTheSdk() {
    trigger("wfr_f", "x", ASK_SDK, "true", "upstash-failure-callback", URL, "upstash-retries", "0");
    f.deliverAll();
    sdkTrigger("wfr_f", "x");
    f.answers.add(
        new DeliveryResponse(
            489, Map.of("Upstash-NonRetryable-Error", List.of("true")), new byte[0], null));
    f.deliverAll();
    assertEquals(WorkflowState.RUN_FAILED, f.state("wfr_f"));
    Map<String, List<String>> h = f.sent.get(f.sent.size() - 1).headers();
    assertEquals(List.of("true"), h.get("Upstash-Workflow-Failure-Callback"));
    assertEquals(List.of("true"), h.get("Upstash-Workflow-Is-Failure"));
    assertEquals(List.of("wfr_f"), h.get("Upstash-Workflow-Runid"));
    String body = f.body(f.sent.size() - 1);
    assertTrue(body.contains("\"sourceBody\":\"eA==\""), body);
  }

  /** How an endpoint built on an SDK older than 1.0 answers: a workflow answer, no release. */
  private static DeliveryResponse oldSdkOk(String body) {
    return new DeliveryResponse(
        200, Map.of("Upstash-Workflow-Sdk-Version", List.of("1")), body.getBytes(), null);
  }

  @Test
  void anEndpointThatAnswersWithoutTriggeringFailsTheRunWithItsPayloadLogged() {
    TriggerService.Triggered t = trigger("wfr_old", "{\"p\":1}", ASK_SDK, "true");
    f.answers.add(oldSdkOk("{\"success\":true}"));
    f.deliverAll();
    assertEquals(1, f.sent.size());
    WorkflowRun run = f.store.findRun("t1", t.runId()).orElseThrow();
    assertEquals(WorkflowState.RUN_FAILED, run.state());
    assertEquals(WorkflowDeliveries.NOT_TRIGGERED_BY_SDK, run.end().error());
    assertEquals("{\"success\":true}", new String(run.end().response()));
    List<HistoryEntry> h = f.store.readHistory("t1", t.runId(), Long.MAX_VALUE);
    assertEquals(1, h.size(), "the logs show the init step");
    assertEquals("{\"p\":1}", new String(h.get(0).body()));
    assertEquals(run.triggerMessageId(), h.get(0).messageId());
  }

  @Test
  void anSdkOfVersionOneOrMoreKeepsTheRunGoingThoughItsTriggerComesAfterItsAnswer() {
    TriggerService.Triggered t2 = trigger("wfr_new2", "x", ASK_SDK, "true");
    f.answers.add(WorkflowFixture.sdkOk());
    f.deliverAll();
    assertEquals(WorkflowState.RUN_STARTED, f.state(t2.runId()), "a 1.x SDK may publish later");
    assertFalse(sdkTrigger(t2.runId(), "x").deduplicated());
  }

  @Test
  void anAnswerWithoutTheReleaseAfterTheEndpointTriggeredTheRunChangesNothing() {
    TriggerService.Triggered t = trigger("wfr_late", "x", ASK_SDK, "true");
    f.beforeAnswer =
        () -> {
          f.beforeAnswer = () -> {};
          assertFalse(sdkTrigger(t.runId(), "x").deduplicated());
        };
    f.answers.add(oldSdkOk(""));
    f.deliverAll();
    assertEquals(2, f.sent.size(), "the trigger, then the run's first step");
    assertEquals(WorkflowState.RUN_STARTED, f.state(t.runId()));
  }

  @Test
  void theSdkReleaseIsReadAsAMajorVersion() {
    assertTrue(WorkflowDeliveries.namesSdkV1(release("v1.3.2")));
    assertTrue(WorkflowDeliveries.namesSdkV1(release("2.0.0")));
    assertFalse(WorkflowDeliveries.namesSdkV1(release("v0.2.21")));
    assertFalse(WorkflowDeliveries.namesSdkV1(release("next")));
    assertFalse(WorkflowDeliveries.namesSdkV1(oldSdkOk("")));
  }

  private static DeliveryResponse release(String v) {
    return new DeliveryResponse(200, Map.of("upstash-workflow-sdk", List.of(v)), new byte[0], null);
  }

  @Test
  void withoutTheHeaderTheRunStartsAtOnceWithThePayloadAsItsFirstStep() {
    TriggerService.Triggered t =
        trigger("wfr_d", "{\"n\":1}", "upstash-retries", "0", "upstash-forward-x-user", "u1");
    assertEquals(WorkflowState.RUN_STARTED, f.state(t.runId()));
    List<HistoryEntry> h = f.workflows.history("t1", t.runId());
    assertEquals(1, h.size());
    assertEquals("{\"n\":1}", new String(h.get(0).body()));
    f.deliverAll();
    assertEquals(1, f.sent.size());
    Map<String, List<String>> sent = f.sent.get(0).headers();
    assertNull(sent.get("Upstash-Workflow-Unknown-Sdk"));
    assertEquals(List.of("1"), sent.get("Upstash-Workflow-Sdk-Version"));
    assertEquals(List.of(t.runId()), sent.get("Upstash-Workflow-RunId"));
    assertEquals(List.of("u1"), sent.get("X-User"));
    assertEquals(List.of("{\"n\":1}"), history(f.body(0)));
    assertTrue(
        sdkTrigger(t.runId(), "{\"n\":1}").deduplicated(), "the SDK is not asked to trigger");
    f.step(URL, t.runId(), "{\"stepId\":1}");
    f.deliverAll();
    assertEquals(2, f.sent.size());
    assertEquals(WorkflowState.RUN_STARTED, f.state(t.runId()));
  }

  @Test
  void anOldSdkAnsweringTheFirstStepFailsTheRun() {
    TriggerService.Triggered t = trigger("wfr_od", "{\"p\":2}");
    f.answers.add(oldSdkOk("{\"success\":true}"));
    f.deliverAll();
    WorkflowRun run = f.store.findRun("t1", t.runId()).orElseThrow();
    assertEquals(WorkflowState.RUN_FAILED, run.state());
    assertEquals(WorkflowDeliveries.NOT_TRIGGERED_BY_SDK, run.end().error());
    assertEquals(1, f.store.readHistory("t1", t.runId(), Long.MAX_VALUE).size());
  }

  @Test
  void onlyTheFirstStepIsCheckedForTheSdkRelease() {
    TriggerService.Triggered t = trigger("wfr_o2", "x");
    f.deliverAll();
    f.step(URL, t.runId(), "{\"stepId\":1}");
    f.answers.add(oldSdkOk(""));
    f.deliverAll();
    assertEquals(2, f.sent.size());
    assertEquals(WorkflowState.RUN_STARTED, f.state(t.runId()));
  }
}
