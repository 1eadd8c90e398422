package dev.postbox.core.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.delivery.CallbackMessages;
import dev.postbox.core.delivery.DeliveryRequest;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.delivery.OutgoingRequests;
import dev.postbox.core.delivery.RecordOutcome;
import dev.postbox.core.delivery.RetryPolicy;
import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.keys.KeyService;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.KeepEnded;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.metrics.BrokerMetrics;
import dev.postbox.core.publish.MessageFactory;
import dev.postbox.core.publish.PublishHeaders;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.publish.PublishOptions;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.StorageQuota;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code context.call} (docs/workflow.md): the call is a message of the run ({@code toCallback});
 * each attempt's callback comes back to the workflow URL as a {@code fromCallback} message of the
 * run, recorded in the run's history in the write that creates it.
 */
class WorkflowCallTest {
  private static final String URL = "http://app/wf";
  private static final String CALL_URL = "http://api/echo";
  private static final String FEATURES =
      "LazyFetch,InitialBody,WF_DetectTrigger,WF_TriggerOnConfig";

  private final SettableClock clock = new SettableClock();
  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private final List<DeliveryRequest> sent = new ArrayList<>();
  private final Map<String, DeliveryResponse> answers = new LinkedHashMap<>();
  private CompletableFuture<DeliveryResponse> held; // when set, the call's attempt waits for it
  private Dispatcher dispatcher;
  private Workflows shared;
  private WorkflowService workflows;

  @BeforeEach
  void setUp() {
    clock.set(1_700_000_000_000L);
    shared = new Workflows(store);
    Tenants tenants =
        new Tenants(List.of(new Tenant("t1", "token", new SigningKeys("sig_a", "sig_b"), false)));
    QueueService queues = new QueueService(store, clock, Runnable::run);
    FlowControlService flow = new FlowControlService(store, clock);
    dispatcher =
        new Dispatcher(
            store,
            r -> {
              sent.add(r);
              if (r.url().equals(CALL_URL) && held != null) {
                return held;
              }
              DeliveryResponse a = answers.get(r.url());
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

  private static DeliveryResponse answer(int status, String body) {
    return new DeliveryResponse(
        status,
        Map.of("Content-Type", List.of("application/json")),
        body.getBytes(StandardCharsets.UTF_8),
        null);
  }

  private String publish(String url, Map<String, List<String>> headers, String body) {
    PublishOptions o = PublishHeaders.parse(headers, clock.millis(), PublishLimits.defaults());
    Message m =
        MessageFactory.create(
            "t1", url, body.getBytes(StandardCharsets.UTF_8), o, "1.2.3.4", clock.millis());
    return workflows
        .publish(m, WorkflowHeaders.parse(headers))
        .join()
        .accepted()
        .get(0)
        .messageId();
  }

  private String trigger(String runId, String... extra) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("upstash-workflow-init", List.of("true"));
    h.put("upstash-workflow-runid", List.of(runId));
    h.put("upstash-workflow-url", List.of(URL));
    h.put("upstash-feature-set", List.of(FEATURES));
    h.put("upstash-workflow-sdk-version", List.of("1"));
    h.put("upstash-forward-upstash-workflow-sdk-version", List.of("1"));
    for (int i = 0; i < extra.length; i += 2) {
      h.put(extra[i], List.of(extra[i + 1]));
    }
    String id = publish(URL, h, "{\"n\":1}");
    dispatcher.runOnce();
    return id;
  }

  /** The message the SDK publishes for {@code context.call} (as in @upstash/workflow 1.3.3). */
  private String call(String runId, String... extra) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("upstash-workflow-init", List.of("false"));
    h.put("upstash-workflow-runid", List.of(runId));
    h.put("upstash-workflow-url", List.of(URL));
    h.put("upstash-feature-set", List.of("WF_NoDelete,InitialBody"));
    h.put("upstash-workflow-sdk-version", List.of("1"));
    h.put("upstash-retries", List.of("0"));
    h.put("upstash-forward-x-call", List.of("yes"));
    h.put("upstash-callback", List.of(URL));
    h.put("upstash-callback-workflow-runid", List.of(runId));
    h.put("upstash-callback-workflow-calltype", List.of("fromCallback"));
    h.put("upstash-callback-workflow-init", List.of("false"));
    h.put("upstash-callback-workflow-url", List.of(URL));
    h.put("upstash-callback-feature-set", List.of(FEATURES));
    h.put("upstash-callback-forward-upstash-workflow-callback", List.of("true"));
    h.put("upstash-callback-forward-upstash-workflow-stepid", List.of("1"));
    h.put("upstash-callback-forward-upstash-workflow-stepname", List.of("fetch"));
    h.put("upstash-callback-forward-upstash-workflow-steptype", List.of("Call"));
    h.put("upstash-callback-forward-upstash-workflow-concurrent", List.of("1"));
    h.put("upstash-callback-forward-upstash-workflow-contenttype", List.of("application/json"));
    h.put("upstash-workflow-calltype", List.of("toCallback"));
    h.put("content-type", List.of("application/json"));
    for (int i = 0; i < extra.length; i += 2) {
      h.put(extra[i], List.of(extra[i + 1]));
    }
    return publish(CALL_URL, h, "{\"q\":1}");
  }

  private List<String> callTypes(String runId) {
    return store.readHistory("t1", runId, Long.MAX_VALUE).stream()
        .map(HistoryEntry::callType)
        .toList();
  }

  private List<DeliveryRequest> sentTo(String url) {
    return sent.stream().filter(r -> r.url().equals(url)).toList();
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void theCallsAnswerComesBackAsAMessageOfTheRunRecordedInItsHistory() {
    trigger("wfr_c", "upstash-label", "lbl");
    String call = call("wfr_c", "upstash-timeout", "1");
    answers.put(CALL_URL, answer(200, "{\"echo\":1}"));
    dispatcher.runOnce();
    DeliveryRequest toApi = sentTo(CALL_URL).get(0);
    assertEquals("{\"q\":1}", text(toApi.body()), "the call is sent as published, not a history");
    assertEquals(List.of("yes"), toApi.headers().get("X-Call"));
    assertEquals(1000, toApi.timeoutMillis(), "Upstash-Timeout bounds the call's attempt");

    List<HistoryEntry> history = workflows.history("t1", "wfr_c");
    assertEquals(List.of("step", "toCallback", "fromCallback"), callTypes("wfr_c"));
    assertEquals(call, history.get(1).messageId());
    String callbackId = history.get(2).messageId();
    Message stored = store.findMessage(new MessageRef("t1", callbackId)).orElseThrow();
    assertEquals(call, stored.sourceMessageId());

    dispatcher.runOnce();
    DeliveryRequest back = sentTo(URL).get(1);
    assertEquals(List.of(callbackId), back.headers().get("Upstash-Message-Id"));
    Map<String, List<String>> h = back.headers();
    assertEquals(List.of("wfr_c"), h.get("Upstash-Workflow-RunId"));
    assertEquals(List.of("true"), h.get("Upstash-Workflow-Callback"));
    assertEquals(List.of("fetch"), h.get("Upstash-Workflow-Stepname"));
    assertEquals(List.of("fromCallback"), h.get("Upstash-Workflow-CallType"));
    assertEquals(List.of("lbl"), h.get("Upstash-Label"));
    assertFalse(
        h.containsKey("Upstash-Workflow-Sdk-Version"),
        "without it the SDK reads the body as the callback, not as the history: " + h);
    String body = text(back.body());
    assertEquals(text(history.get(2).body()), body, "the entry holds what is delivered");
    assertTrue(body.startsWith("{\"status\":200,"), body);
    assertTrue(body.contains("\"sourceMessageId\":\"" + call + "\""), body);
    assertTrue(body.contains("\"retried\":0,\"maxRetries\":0"), body);
    assertEquals(WorkflowState.RUN_STARTED, store.findRun("t1", "wfr_c").orElseThrow().state());
  }

  @Test
  void theCallsEndpointDoesNotGetTheSdkVersionSoAServeRouteTakesItForAFirstCall() {
    trigger("wfr_v");
    call("wfr_v", "upstash-forward-upstash-workflow-is-failure", "true");
    dispatcher.runOnce();
    Map<String, List<String>> h = sentTo(CALL_URL).get(0).headers();
    assertFalse(
        h.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Upstash-Workflow-Sdk-Version")),
        "the SDK does not forward it on a call: " + h);
    assertEquals(List.of("true"), h.get("Upstash-Workflow-Is-Failure"), "the call's own headers");
  }

  @Test
  void onlyTheLastAttemptOfAFailingCallCallsBackAndTheRunGoesOn() {
    trigger("wfr_r", "upstash-retries", "5");
    call("wfr_r", "upstash-retries", "1", "upstash-retry-delay", "1000");
    answers.put(CALL_URL, answer(500, "{\"no\":1}"));
    dispatcher.runOnce();
    clock.tick(Duration.ofSeconds(2));
    dispatcher.runOnce();
    dispatcher.runOnce();
    assertEquals(2, sentTo(CALL_URL).size());
    // The attempt that was retried called nothing back (as QStash does for a workflow's call).
    assertEquals(List.of("step", "toCallback", "fromCallback"), callTypes("wfr_r"));
    List<DeliveryRequest> back = sentTo(URL).subList(1, sentTo(URL).size());
    assertEquals(1, back.size());
    assertTrue(text(back.get(0).body()).contains("\"status\":500,"));
    assertTrue(text(back.get(0).body()).contains("\"retried\":1,\"maxRetries\":1"));
    // The callback has the run's configuration (WF_TriggerOnConfig), not the call's.
    String lastCallback = store.readHistory("t1", "wfr_r", Long.MAX_VALUE).get(2).messageId();
    assertEquals(List.of(lastCallback), back.get(0).headers().get("Upstash-Message-Id"));
    // The call failed for good, yet the run goes on: the SDK continues with the failure status.
    assertEquals(WorkflowState.RUN_STARTED, store.findRun("t1", "wfr_r").orElseThrow().state());
  }

  @Test
  void theCallbackGetsTheRunsRetriesAndFailsTheRunWhenItFailsForGood() {
    trigger("wfr_f", "upstash-retries", "0");
    call("wfr_f", "upstash-retries", "2");
    answers.put(CALL_URL, answer(200, "{}"));
    dispatcher.runOnce();
    String callbackId = store.readHistory("t1", "wfr_f", Long.MAX_VALUE).get(2).messageId();
    assertEquals(0, store.findMessage(new MessageRef("t1", callbackId)).orElseThrow().maxRetries());
    answers.put(URL, answer(500, "{}"));
    dispatcher.runOnce();
    assertEquals(WorkflowState.RUN_FAILED, store.findRun("t1", "wfr_f").orElseThrow().state());
  }

  @Test
  void endingARunCancelsItsPendingCallAndItsPendingCallback() {
    trigger("wfr_e1");
    String pendingCall = call("wfr_e1");
    workflows.end("t1", "wfr_e1", true, null).join();
    assertTrue(store.findMessage(new MessageRef("t1", pendingCall)).isEmpty());
    dispatcher.runOnce();
    assertEquals(0, sentTo(CALL_URL).size());

    trigger("wfr_e2");
    call("wfr_e2");
    dispatcher.runOnce();
    String callbackId = store.readHistory("t1", "wfr_e2", Long.MAX_VALUE).get(2).messageId();
    assertTrue(store.findMessage(new MessageRef("t1", callbackId)).isPresent());
    workflows.end("t1", "wfr_e2", true, null).join();
    assertTrue(store.findMessage(new MessageRef("t1", callbackId)).isEmpty());
    int before = sentTo(URL).size();
    dispatcher.runOnce();
    assertEquals(before, sentTo(URL).size(), "the cancelled callback is not delivered");
  }

  @Test
  void aCallInFlightWhenItsRunEndsMakesNoCallback() {
    trigger("wfr_i");
    call("wfr_i");
    held = new CompletableFuture<>();
    dispatcher.runOnce();
    assertEquals(1, sentTo(CALL_URL).size());
    workflows.end("t1", "wfr_i", true, null).join();
    held.complete(answer(200, "{}"));
    assertEquals(List.of("step", "toCallback"), callTypes("wfr_i"));
    int before = sentTo(URL).size();
    dispatcher.runOnce();
    assertEquals(before, sentTo(URL).size());
    assertNull(
        store.listDlq("t1", null, 10, false, e -> true).items().stream().findFirst().orElse(null));
  }

  @Test
  void endingARunWaitsForTheOutcomeThatIsAppendingACallbackAndCancelsIt() throws Exception {
    trigger("wfr_w");
    String callId = call("wfr_w");
    Message call = store.findMessage(new MessageRef("t1", callId)).orElseThrow();
    // An outcome of the call being recorded: its batch holds the callback, not yet on disk.
    long now = clock.millis();
    StoreBatch b = new StoreBatch();
    Message callback =
        shared
            .deliveries()
            .callback(
                call, CallbackMessages.afterAttempt(call, answer(200, "{}"), now), true, b, now);
    b.putNewMessage(callback);

    CompletableFuture<Void> ending =
        CompletableFuture.runAsync(() -> workflows.end("t1", "wfr_w", true, null).join());
    assertThrows(
        TimeoutException.class,
        () -> ending.get(300, TimeUnit.MILLISECONDS),
        "the end must see the callback's history entry to cancel it");
    store.commit(b, Durability.SYNC).join();
    shared.deliveries().recorded(b, true);
    ending.get(10, TimeUnit.SECONDS);
    assertTrue(store.findMessage(new MessageRef("t1", callback.id())).isEmpty());
    assertEquals(WorkflowState.RUN_CANCELED, store.findRun("t1", "wfr_w").orElseThrow().state());
  }
}
