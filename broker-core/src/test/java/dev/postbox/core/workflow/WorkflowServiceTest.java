package dev.postbox.core.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.delivery.DeliveryRequest;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.delivery.OutgoingRequests;
import dev.postbox.core.delivery.RecordOutcome;
import dev.postbox.core.delivery.RetryPolicy;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.keys.KeyService;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.KeepEnded;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.metrics.BrokerMetrics;
import dev.postbox.core.publish.Deduplication;
import dev.postbox.core.publish.MessageFactory;
import dev.postbox.core.publish.PublishHeaders;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.publish.PublishOptions;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.StorageQuota;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs end to end in memory: publish, deliver with a settable clock, end. */
class WorkflowServiceTest {
  private static final String URL = "http://app/wf";
  private static final String FEATURES =
      "LazyFetch,InitialBody,WF_DetectTrigger,WF_TriggerOnConfig";

  private final SettableClock clock = new SettableClock();
  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private final List<DeliveryRequest> sent = new ArrayList<>();
  private final Deque<DeliveryResponse> answers = new ArrayDeque<>();
  private Dispatcher dispatcher;
  private WorkflowService workflows;

  @BeforeEach
  void setUp() {
    clock.set(1_700_000_000_000L);
    Workflows shared = new Workflows(store);
    Tenants tenants =
        new Tenants(List.of(new Tenant("t1", "token", new SigningKeys("sig_a", "sig_b"), false)));
    QueueService queues = new QueueService(store, clock, Runnable::run);
    FlowControlService flow = new FlowControlService(store, clock);
    dispatcher =
        new Dispatcher(
            store,
            r -> {
              sent.add(r);
              DeliveryResponse a = answers.poll();
              return CompletableFuture.completedFuture(a != null ? a : sdkOk());
            },
            new OutgoingRequests(
                (key, url, body, now) -> "signed",
                new KeyService(store, tenants),
                60_000,
                shared.deliveries()),
            new RecordOutcome(new RetryPolicy(), new Ids(), KeepEnded.OFF, shared.deliveries()),
            queues,
            flow,
            clock,
            new Dispatcher.Options(10, 10, 10, 100),
            BrokerMetrics.NONE);
    queues.bind(dispatcher::notifyDue);
    flow.bind(dispatcher::wakeUp);
    PublishService publish =
        new PublishService(store, dispatcher, queues, flow, StorageQuota.unlimited(store, clock));
    workflows = new WorkflowService(shared, publish, dispatcher, clock);
  }

  private static DeliveryResponse sdkOk() {
    return new DeliveryResponse(
        200, Map.of("Upstash-Workflow-Sdk-Version", List.of("1")), new byte[0], null);
  }

  /** Headers as the SDK sends them (both the plain and the forwarded version header). */
  private static Map<String, List<String>> sdkHeaders(String runId, boolean init, String features) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("upstash-workflow-init", List.of(Boolean.toString(init)));
    h.put("upstash-workflow-runid", List.of(runId));
    h.put("upstash-workflow-url", List.of(URL));
    if (features != null) {
      h.put("upstash-feature-set", List.of(features));
    }
    h.put("upstash-workflow-sdk-version", List.of("1"));
    h.put("upstash-forward-upstash-workflow-sdk-version", List.of("1"));
    h.put("content-type", List.of("application/json"));
    return h;
  }

  private Deduplication.Published publish(Map<String, List<String>> headers, String body) {
    PublishOptions o = PublishHeaders.parse(headers, clock.millis(), PublishLimits.defaults());
    Message m =
        MessageFactory.create(
            "t1", URL, body.getBytes(StandardCharsets.UTF_8), o, "1.2.3.4", clock.millis());
    return workflows.publish(m, WorkflowHeaders.parse(headers)).join();
  }

  private String trigger(String runId, String body, String... extra) {
    Map<String, List<String>> h = sdkHeaders(runId, true, FEATURES);
    for (int i = 0; i < extra.length; i += 2) {
      h.put(extra[i], List.of(extra[i + 1]));
    }
    return publish(h, body).accepted().get(0).messageId();
  }

  private String step(String runId, String body) {
    return publish(sdkHeaders(runId, false, FEATURES), body).accepted().get(0).messageId();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private String lastBody() {
    return new String(sent.get(sent.size() - 1).body(), StandardCharsets.UTF_8);
  }

  private static String entry(String messageId, String body) {
    return "{\"messageId\":\""
        + messageId
        + "\",\"body\":\""
        + b64(body)
        + "\",\"callType\":\"step\"}";
  }

  private WorkflowState state(String runId) {
    return store.findRun("t1", runId).orElseThrow().state();
  }

  @Test
  void eachDeliveryCarriesTheHistoryUpToItselfAndTheRunHeadersOnce() {
    String t = trigger("wfr_1", "{\"n\":1}");
    dispatcher.runOnce();
    assertEquals("[" + entry(t, "{\"n\":1}") + "]", lastBody());
    Map<String, List<String>> h = sent.get(0).headers();
    assertEquals(List.of("wfr_1"), h.get("Upstash-Workflow-RunId"));
    assertEquals(List.of("1"), h.get("Upstash-Workflow-Sdk-Version"));
    assertEquals(List.of(Long.toString(clock.millis())), h.get("Upstash-Workflow-CreatedAt"));

    String s = step("wfr_1", "{\"stepId\":1}");
    String later = step("wfr_1", "{\"stepId\":2}"); // appended before s is delivered
    dispatcher.runOnce();
    assertEquals(
        List.of(
            "[" + entry(t, "{\"n\":1}") + "," + entry(s, "{\"stepId\":1}") + "]",
            "["
                + entry(t, "{\"n\":1}")
                + ","
                + entry(s, "{\"stepId\":1}")
                + ","
                + entry(later, "{\"stepId\":2}")
                + "]"),
        List.of(
            new String(sent.get(1).body(), StandardCharsets.UTF_8),
            new String(sent.get(2).body(), StandardCharsets.UTF_8)));
  }

  @Test
  void aSecondTriggerWithTheSameRunIdIsDeduplicatedAndDeliversNothing() {
    String first = trigger("wfr_d", "a");
    Deduplication.Published again = publish(sdkHeaders("wfr_d", true, FEATURES), "b");
    assertTrue(again.deduplicated());
    assertEquals(first, again.accepted().get(0).messageId());
    dispatcher.runOnce();
    dispatcher.runOnce();
    assertEquals(1, sent.size());
  }

  @Test
  void appendingToAnEndedOrUnknownRunIs400() {
    trigger("wfr_e", "");
    workflows.end("t1", "wfr_e", false, "\"done\"".getBytes(StandardCharsets.UTF_8)).join();
    InvalidRequestException ended =
        assertThrows(InvalidRequestException.class, () -> step("wfr_e", "{}"));
    assertTrue(ended.getMessage().contains("RUN_SUCCESS"), ended.getMessage());
    InvalidRequestException unknown =
        assertThrows(InvalidRequestException.class, () -> step("wfr_nope", "{}"));
    assertTrue(unknown.getMessage().contains("does not exist"), unknown.getMessage());
  }

  @Test
  void endingARunKeepsItsResponseAndDropsItsPendingSteps() {
    trigger("wfr_s", "x");
    dispatcher.runOnce();
    Map<String, List<String>> sleep = sdkHeaders("wfr_s", false, FEATURES);
    sleep.put("upstash-delay", List.of("10s"));
    String sleeping = publish(sleep, "{\"stepId\":1}").accepted().get(0).messageId();

    workflows.end("t1", "wfr_s", false, "\"result\"".getBytes(StandardCharsets.UTF_8)).join();
    WorkflowRun run = store.findRun("t1", "wfr_s").orElseThrow();
    assertEquals(WorkflowState.RUN_SUCCESS, run.state());
    assertEquals("\"result\"", new String(run.end().response(), StandardCharsets.UTF_8));
    assertTrue(store.findMessage(new MessageRef("t1", sleeping)).isEmpty());
    clock.tick(Duration.ofSeconds(11));
    dispatcher.runOnce();
    assertEquals(1, sent.size());
    // Ending it again is answered as done and changes nothing (the SDK may end a run twice).
    workflows.end("t1", "wfr_s", true, null).join();
    workflows.end("t1", "wfr_s", false, "\"other\"".getBytes(StandardCharsets.UTF_8)).join();
    WorkflowRun again = store.findRun("t1", "wfr_s").orElseThrow();
    assertEquals(WorkflowState.RUN_SUCCESS, again.state());
    assertEquals("\"result\"", new String(again.end().response(), StandardCharsets.UTF_8));
    assertThrows(NotFoundException.class, () -> workflows.end("t1", "wfr_x", true, null));
  }

  @Test
  void cancellingCountsOnlyRunsThatWereGoingOn() {
    trigger("wfr_c1", "");
    trigger("wfr_c2", "");
    assertEquals(2, workflows.cancelIds("t1", List.of("wfr_c1", "wfr_c2", "wfr_none")).join());
    assertEquals(0, workflows.cancelIds("t1", List.of("wfr_c1")).join());
    assertEquals(WorkflowState.RUN_CANCELED, state("wfr_c1"));
    trigger("wfr_c3", "", "upstash-label", "blue");
    trigger("wfr_c4", "");
    assertEquals(
        1, workflows.cancelMatching("t1", r -> "blue".equals(r.config().label()), 10).join());
    assertEquals(WorkflowState.RUN_STARTED, state("wfr_c4"));
  }

  @Test
  void theHistoryIsReadableWhileTheRunGoesOnAnd404After() {
    assertThrows(NotFoundException.class, () -> workflows.history("t1", "wfr_h"));
    trigger("wfr_h", "p");
    step("wfr_h", "{}");
    assertEquals(2, workflows.history("t1", "wfr_h").size());
    workflows.end("t1", "wfr_h", true, null).join();
    assertThrows(NotFoundException.class, () -> workflows.history("t1", "wfr_h"));
  }

  @Test
  void triggerConfigAppliesToStepsThatAskForIt() {
    trigger(
        "wfr_cfg", "",
        "upstash-retries", "0",
        "upstash-label", "lbl",
        "upstash-forward-x-user", "u1",
        "upstash-failure-callback", "http://app/fail");
    String s = step("wfr_cfg", "{}");
    Message m = store.findMessage(new MessageRef("t1", s)).orElseThrow();
    assertEquals(0, m.maxRetries());
    assertEquals(List.of("u1"), m.headers().get("X-User"));
    assertEquals(List.of("lbl"), m.headers().get("Upstash-Label"));
    assertEquals("http://app/fail", m.failureCallback().url());
    // The SDK needs the run id on a failure callback to handle it.
    assertEquals(List.of("wfr_cfg"), m.failureCallback().headers().get("Upstash-Workflow-RunId"));

    Map<String, List<String>> legacy = sdkHeaders("wfr_cfg", false, null);
    legacy.put("upstash-retries", List.of("2"));
    String l = publish(legacy, "{}").accepted().get(0).messageId();
    Message lm = store.findMessage(new MessageRef("t1", l)).orElseThrow();
    assertEquals(2, lm.maxRetries());
    assertFalse(lm.headers().containsKey("X-User"));
  }

  @Test
  void aTriggerAnsweredWithoutTheSdkHeaderFailsTheRun() {
    trigger("wfr_nw", "");
    answers.add(new DeliveryResponse(200, Map.of(), new byte[0], null));
    dispatcher.runOnce();
    WorkflowRun run = store.findRun("t1", "wfr_nw").orElseThrow();
    assertEquals(WorkflowState.RUN_FAILED, run.state());
    assertEquals(WorkflowDeliveries.NOT_A_WORKFLOW, run.end().error());

    trigger("wfr_ok", "");
    dispatcher.runOnce();
    assertEquals(WorkflowState.RUN_STARTED, state("wfr_ok"));
  }

  @Test
  void aStepThatFailsForGoodFailsTheRun() {
    trigger("wfr_f", "", "upstash-retries", "0");
    dispatcher.runOnce();
    step("wfr_f", "{}");
    answers.add(new DeliveryResponse(500, Map.of(), new byte[0], null));
    dispatcher.runOnce();
    assertEquals(WorkflowState.RUN_FAILED, state("wfr_f"));
    assertEquals(1, store.listDlq("t1", null, 10, false, e -> true).items().size());

    trigger("wfr_489", "");
    dispatcher.runOnce();
    step("wfr_489", "{}");
    answers.add(
        new DeliveryResponse(
            489, Map.of("Upstash-NonRetryable-Error", List.of("true")), new byte[0], null));
    dispatcher.runOnce();
    assertEquals(WorkflowState.RUN_FAILED, state("wfr_489"));
  }

  @Test
  void aStepThatFailsForGoodCancelsTheRunsOtherPendingSteps() {
    trigger("wfr_pf", "", "upstash-retries", "0");
    dispatcher.runOnce();
    Map<String, List<String>> sleep = sdkHeaders("wfr_pf", false, FEATURES);
    sleep.put("upstash-delay", List.of("10s"));
    String sleeping =
        publish(sleep, "{\"stepId\":2,\"concurrent\":2}").accepted().get(0).messageId();
    step("wfr_pf", "{\"stepId\":1,\"concurrent\":2}");
    answers.add(
        new DeliveryResponse(
            489, Map.of("Upstash-NonRetryable-Error", List.of("true")), new byte[0], null));
    dispatcher.runOnce();
    assertEquals(WorkflowState.RUN_FAILED, state("wfr_pf"));
    assertEquals(2, sent.size());
    assertTrue(store.findMessage(new MessageRef("t1", sleeping)).isEmpty());
    clock.tick(Duration.ofSeconds(11));
    dispatcher.runOnce();
    assertEquals(2, sent.size(), "the sleeping branch is never delivered");
  }

  private static DeliveryResponse nonRetryable() {
    return new DeliveryResponse(
        489, Map.of("Upstash-NonRetryable-Error", List.of("true")), new byte[0], null);
  }

  @Test
  void aFailedRunKeepsItsDlqIdAndItsFailureCallbacksStateFollowsItsOutcomes() {
    FailureCalls calls = new FailureCalls(store);
    trigger("wfr_ok", "", "upstash-retries", "0", "upstash-failure-callback", URL);
    trigger("wfr_ko", "", "upstash-retries", "0", "upstash-failure-callback", URL);
    dispatcher.runOnce();
    step("wfr_ok", "{}");
    answers.add(nonRetryable());
    dispatcher.runOnce();
    WorkflowRun ok = store.findRun("t1", "wfr_ok").orElseThrow();
    String dlqId = ok.end().dlqId();
    assertEquals("wfr_ok", WorkflowDlq.runId(store.findDlq("t1", dlqId).orElseThrow().message()));
    FailureCall pending = calls.of(ok).orElseThrow();
    assertEquals(FailureCall.State.CALLBACK_INPROGRESS, pending.state());
    assertEquals(dlqId, pending.dlqId());
    assertEquals(URL, pending.url());
    assertTrue(store.findMessage(new MessageRef("t1", pending.messageId())).isPresent());

    dispatcher.runOnce(); // the failure callback, answered 200
    FailureCall done = calls.of(ok).orElseThrow();
    assertEquals(FailureCall.State.CALLBACK_SUCCESS, done.state());
    assertEquals(200, done.responseStatus());
    assertEquals(pending.messageId(), done.messageId());
    assertEquals(
        FailureCall.State.CALLBACK_SUCCESS,
        calls.of(store.findDlq("t1", dlqId).orElseThrow()).orElseThrow().state());

    step("wfr_ko", "{}");
    answers.add(nonRetryable());
    dispatcher.runOnce();
    answers.add(new DeliveryResponse(500, Map.of(), "no".getBytes(StandardCharsets.UTF_8), null));
    dispatcher.runOnce(); // the failure callback fails for good (the run's 0 retries)
    FailureCall failed = calls.of(store.findRun("t1", "wfr_ko").orElseThrow()).orElseThrow();
    assertEquals(FailureCall.State.CALLBACK_FAIL, failed.state());
    assertEquals(500, failed.responseStatus());
    assertEquals("no", new String(failed.responseBody(), StandardCharsets.UTF_8));
  }

  @Test
  void theFailureCallbackOfAFailedRunCarriesTheRunAndItsInitialPayload() {
    trigger(
        "wfr_fc",
        "{\"n\":7}",
        "upstash-failure-callback",
        URL,
        "upstash-failure-callback-forward-upstash-workflow-is-failure",
        "true",
        "upstash-label",
        "lbl");
    dispatcher.runOnce();
    String failed = step("wfr_fc", "{\"stepId\":1}");
    answers.add(
        new DeliveryResponse(
            489,
            Map.of("Upstash-NonRetryable-Error", List.of("true")),
            "{\"message\":\"boom\"}".getBytes(StandardCharsets.UTF_8),
            null));
    dispatcher.runOnce();
    assertEquals(WorkflowState.RUN_FAILED, state("wfr_fc"));
    dispatcher.runOnce();
    assertEquals(3, sent.size());
    String body = lastBody();
    assertTrue(body.startsWith("{\"status\":489,"), body);
    assertTrue(body.contains("\"sourceMessageId\":\"" + failed + "\""), body);
    assertTrue(body.contains("\"sourceBody\":\"" + b64("{\"n\":7}") + "\""), body);
    assertTrue(
        body.endsWith(
            ",\"workflowRunId\":\"wfr_fc\",\"workflowCreatedAt\":" + clock.millis() + "}"),
        body);
    Map<String, List<String>> h = sent.get(2).headers();
    assertEquals(List.of("true"), h.get("Upstash-Workflow-Is-Failure"));
    assertEquals(List.of("wfr_fc"), h.get("Upstash-Workflow-Runid"));
    assertEquals(List.of("failureCall"), h.get("Upstash-Workflow-Calltype"));
    assertEquals(List.of(URL), h.get("Upstash-Workflow-Url"));
    assertEquals(List.of("lbl"), h.get("Upstash-Label"));
  }

  @Test
  void aRunNotInMemoryIsReadOnTheGivenExecutorNotOnTheCaller() {
    List<Runnable> reads = new ArrayList<>();
    Map<String, List<String>> h = sdkHeaders("wfr_async", true, FEATURES);
    PublishOptions o = PublishHeaders.parse(h, clock.millis(), PublishLimits.defaults());
    Message m = MessageFactory.create("t1", URL, new byte[0], o, null, clock.millis());
    CompletableFuture<Deduplication.Published> f =
        workflows.publish(m, WorkflowHeaders.parse(h), reads::add);
    assertFalse(f.isDone());
    assertEquals(1, reads.size());
    reads.get(0).run();
    assertFalse(f.join().deduplicated());

    Map<String, List<String>> s = sdkHeaders("wfr_async", false, FEATURES);
    Message step =
        MessageFactory.create(
            "t1",
            URL,
            new byte[0],
            PublishHeaders.parse(s, clock.millis(), PublishLimits.defaults()),
            null,
            clock.millis());
    assertTrue(workflows.publish(step, WorkflowHeaders.parse(s), reads::add).isDone());
    assertEquals(1, reads.size(), "a run in memory needs no read");
  }

  @Test
  void featureFlagsAreParsed() {
    WorkflowHeaders h = WorkflowHeaders.parse(sdkHeaders("r", true, FEATURES));
    assertEquals(
        Set.of("LazyFetch", "InitialBody", "WF_DetectTrigger", "WF_TriggerOnConfig"), h.features());
    assertTrue(h.init());
    assertEquals(null, WorkflowHeaders.parse(Map.of("content-type", List.of("text/plain"))));
  }
}
