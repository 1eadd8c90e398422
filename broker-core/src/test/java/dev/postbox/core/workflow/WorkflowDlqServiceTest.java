package dev.postbox.core.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.delivery.DeliveryRequest;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.delivery.OutgoingRequests;
import dev.postbox.core.delivery.RecordOutcome;
import dev.postbox.core.delivery.RetryPolicy;
import dev.postbox.core.dlq.DlqService;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.keys.KeyService;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Headers;
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
import dev.postbox.core.store.StorageQuota;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Resume, restart, failure-function retry and delete of workflow DLQ entries, in memory. */
class WorkflowDlqServiceTest {
  private static final String URL = "http://app/wf";
  private static final String FEATURES =
      "LazyFetch,InitialBody,WF_DetectTrigger,WF_TriggerOnConfig";

  private final SettableClock clock = new SettableClock();
  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private final List<DeliveryRequest> sent = new ArrayList<>();
  private final Deque<DeliveryResponse> answers = new ArrayDeque<>();
  private Dispatcher dispatcher;
  private WorkflowService workflows;
  private WorkflowDlqService wfDlq;

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
    StorageQuota quota = StorageQuota.unlimited(store, clock);
    PublishService publish = new PublishService(store, dispatcher, queues, flow, quota);
    workflows = new WorkflowService(shared, publish, dispatcher, clock);
    wfDlq =
        new WorkflowDlqService(
            shared, new DlqService(store, dispatcher, queues, flow, clock, quota), clock);
  }

  private static DeliveryResponse sdkOk() {
    return new DeliveryResponse(
        200, Map.of("Upstash-Workflow-Sdk-Version", List.of("1")), new byte[0], null);
  }

  private static DeliveryResponse failure() {
    return new DeliveryResponse(
        489,
        Map.of("Upstash-NonRetryable-Error", List.of("true")),
        "{\"message\":\"boom\"}".getBytes(StandardCharsets.UTF_8),
        null);
  }

  private static Map<String, List<String>> sdkHeaders(String runId, boolean init) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("upstash-workflow-init", List.of(Boolean.toString(init)));
    h.put("upstash-workflow-runid", List.of(runId));
    h.put("upstash-workflow-url", List.of(URL));
    h.put("upstash-feature-set", List.of(FEATURES));
    h.put("upstash-workflow-sdk-version", List.of("1"));
    h.put("upstash-forward-upstash-workflow-sdk-version", List.of("1"));
    h.put("content-type", List.of("application/json"));
    return h;
  }

  private String publish(Map<String, List<String>> headers, String body) {
    PublishOptions o = PublishHeaders.parse(headers, clock.millis(), PublishLimits.defaults());
    Message m =
        MessageFactory.create(
            "t1", URL, body.getBytes(StandardCharsets.UTF_8), o, "1.2.3.4", clock.millis());
    return workflows
        .publish(m, WorkflowHeaders.parse(headers))
        .join()
        .accepted()
        .get(0)
        .messageId();
  }

  private String trigger(String runId, String body, String... extra) {
    Map<String, List<String>> h = sdkHeaders(runId, true);
    for (int i = 0; i < extra.length; i += 2) {
      h.put(extra[i], List.of(extra[i + 1]));
    }
    return publish(h, body);
  }

  private String step(String runId, String body) {
    return publish(sdkHeaders(runId, false), body);
  }

  /** Runs "wfr_old" to a failure of its second step; returns that step's DLQ id. */
  private String failedRun(String... triggerHeaders) {
    trigger("wfr_old", "{\"n\":1}", triggerHeaders);
    dispatcher.runOnce();
    step("wfr_old", "{\"a\":1}");
    dispatcher.runOnce();
    step("wfr_old", "{\"b\":2}");
    answers.add(failure());
    dispatcher.runOnce();
    assertEquals(WorkflowState.RUN_FAILED, store.findRun("t1", "wfr_old").orElseThrow().state());
    List<DlqEntry> dlq = store.listDlq("t1", null, 10, false, e -> true).items();
    assertEquals(1, dlq.size());
    return dlq.get(0).dlqId();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String entry(String messageId, String body) {
    return "{\"messageId\":\""
        + messageId
        + "\",\"body\":\""
        + b64(body)
        + "\",\"callType\":\"step\"}";
  }

  private static String header(DeliveryRequest r, String name) {
    return Headers.first(r.headers(), name);
  }

  private String body(int i) {
    return new String(sent.get(i).body(), StandardCharsets.UTF_8);
  }

  @Test
  void resumeDeliversTheFailedStepAgainInANewRunThatKeepsTheHistory() {
    String dlqId = failedRun();
    int before = sent.size();
    clock.set(clock.millis() + 5_000);
    WorkflowDlqService.NewRun run = wfDlq.rerun("t1", dlqId, true, RunOverrides.NONE).join();
    assertNotEquals("wfr_old", run.runId());
    assertTrue(run.runId().startsWith("wfr_"), run.runId());
    assertEquals(clock.millis(), run.createdAt());
    assertTrue(store.findDlq("t1", dlqId).isEmpty(), "the entry is removed");

    List<HistoryEntry> history = store.readHistory("t1", run.runId(), Long.MAX_VALUE);
    List<HistoryEntry> old = store.readHistory("t1", "wfr_old", Long.MAX_VALUE);
    assertEquals(3, history.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(
          new String(old.get(i).body(), StandardCharsets.UTF_8),
          new String(history.get(i).body(), StandardCharsets.UTF_8));
    }
    assertEquals(WorkflowState.RUN_STARTED, store.findRun("t1", run.runId()).orElseThrow().state());

    dispatcher.runOnce();
    assertEquals(before + 1, sent.size(), "only the failed step is delivered again");
    DeliveryRequest again = sent.get(before);
    assertEquals(URL, again.url());
    assertEquals(
        "["
            + entry(history.get(0).messageId(), "{\"n\":1}")
            + ","
            + entry(history.get(1).messageId(), "{\"a\":1}")
            + ","
            + entry(history.get(2).messageId(), "{\"b\":2}")
            + "]",
        body(before));
    assertEquals(history.get(2).messageId(), header(again, "Upstash-Message-Id"));
    assertEquals(run.runId(), header(again, "Upstash-Workflow-RunId"));
    assertEquals(Long.toString(run.createdAt()), header(again, "Upstash-Workflow-CreatedAt"));

    step(run.runId(), "{\"c\":3}"); // the new run goes on where the old one failed
    dispatcher.runOnce();
    assertTrue(body(before + 1).endsWith(entry(lastId(run.runId()), "{\"c\":3}") + "]"));
    assertEquals(4, store.readHistory("t1", run.runId(), Long.MAX_VALUE).size());
  }

  private String lastId(String runId) {
    List<HistoryEntry> h = store.readHistory("t1", runId, Long.MAX_VALUE);
    return h.get(h.size() - 1).messageId();
  }

  @Test
  void restartDeliversTheTriggerAgainWithOnlyTheInitialPayload() {
    String dlqId = failedRun();
    int before = sent.size();
    WorkflowDlqService.NewRun run = wfDlq.rerun("t1", dlqId, false, RunOverrides.NONE).join();
    List<HistoryEntry> history = store.readHistory("t1", run.runId(), Long.MAX_VALUE);
    assertEquals(1, history.size());
    assertEquals(
        history.get(0).messageId(),
        store.findRun("t1", run.runId()).orElseThrow().triggerMessageId());
    dispatcher.runOnce();
    assertEquals(before + 1, sent.size());
    assertEquals("[" + entry(history.get(0).messageId(), "{\"n\":1}") + "]", body(before));
    assertEquals(URL, sent.get(before).url());
    assertTrue(store.findDlq("t1", dlqId).isEmpty());
  }

  @Test
  void overridesApplyToTheNewRunAndItsMessage() {
    String dlqId = failedRun("upstash-retries", "0");
    FlowControl fc = new FlowControl("k1", 2, null, 0);
    WorkflowDlqService.NewRun run = wfDlq.rerun("t1", dlqId, true, new RunOverrides(4, fc)).join();
    WorkflowRun r = store.findRun("t1", run.runId()).orElseThrow();
    assertEquals(4, r.config().retries());
    assertEquals(fc, r.config().flowControl());
    String id = lastId(run.runId());
    Message pending = store.findMessage(new MessageRef("t1", id)).orElseThrow();
    assertEquals(4, pending.maxRetries());
    assertEquals(fc, pending.flowControl());

    String next = step(run.runId(), "{\"c\":3}");
    Message stepMessage = store.findMessage(new MessageRef("t1", next)).orElseThrow();
    assertEquals(4, stepMessage.maxRetries(), "later steps take the new run's configuration");
  }

  @Test
  void theFailureCallbackOfTheNewRunNamesTheNewRun() {
    String dlqId = failedRun("upstash-failure-callback", URL);
    WorkflowDlqService.NewRun run = wfDlq.rerun("t1", dlqId, true, RunOverrides.NONE).join();
    Message pending = store.findMessage(new MessageRef("t1", lastId(run.runId()))).orElseThrow();
    assertEquals(
        List.of(run.runId()), pending.failureCallback().headers().get("Upstash-Workflow-RunId"));
    assertEquals(
        List.of(run.runId()),
        store
            .findRun("t1", run.runId())
            .orElseThrow()
            .config()
            .failureCallback()
            .headers()
            .get("Upstash-Workflow-RunId"));
  }

  @Test
  void anEntryIsRerunOnce() {
    String dlqId = failedRun();
    wfDlq.rerun("t1", dlqId, true, RunOverrides.NONE).join();
    assertThrows(NotFoundException.class, () -> wfDlq.rerun("t1", dlqId, false, RunOverrides.NONE));
  }

  @Test
  void retryFailureFunctionPublishesTheFailureCallbackAgainAndKeepsTheEntry() {
    String dlqId = failedRun("upstash-failure-callback", URL);
    dispatcher.runOnce(); // the failure callback
    int callbacks = sent.size();
    String first = body(callbacks - 1);
    assertTrue(first.contains("\"workflowRunId\":\"wfr_old\""), first);

    WorkflowDlqService.NewRun r = wfDlq.retryFailureFunction("t1", dlqId).join();
    assertEquals("wfr_old", r.runId());
    assertEquals(1_700_000_000_000L, r.createdAt());
    dispatcher.runOnce();
    assertEquals(callbacks + 1, sent.size());
    String again = body(callbacks);
    assertTrue(again.startsWith("{\"status\":489,"), again);
    assertTrue(again.contains("\"dlqId\":\"" + dlqId + "\""), again);
    assertTrue(again.contains("\"sourceBody\":\"" + b64("{\"n\":1}") + "\""), again);
    assertEquals("failureCall", header(sent.get(callbacks), "Upstash-Workflow-CallType"));
    assertTrue(store.findDlq("t1", dlqId).isPresent());
  }

  @Test
  void retryFailureFunctionStartsTheStateAgainAndItFollowsTheNewCallback() {
    String dlqId = failedRun("upstash-failure-callback", URL);
    dispatcher.runOnce(); // the failure callback, delivered
    DlqEntry e = store.findDlq("t1", dlqId).orElseThrow();
    FailureCall first = wfDlq.failureCalls().of(e).orElseThrow();
    assertEquals(FailureCall.State.CALLBACK_SUCCESS, first.state());

    wfDlq.retryFailureFunction("t1", dlqId).join();
    FailureCall again = wfDlq.failureCalls().of(e).orElseThrow();
    assertEquals(FailureCall.State.CALLBACK_INPROGRESS, again.state());
    assertFalse(again.messageId().equals(first.messageId()));
    dispatcher.runOnce();
    assertEquals(
        FailureCall.State.CALLBACK_SUCCESS, wfDlq.failureCalls().of(e).orElseThrow().state());
  }

  @Test
  void retryFailureFunctionWithoutAFailureCallbackIs400() {
    String dlqId = failedRun();
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> wfDlq.retryFailureFunction("t1", dlqId));
    assertTrue(e.getMessage().contains("no failure function"), e.getMessage());
  }

  @Test
  void unknownEntriesAre404AndPlainOnes400() {
    assertThrows(NotFoundException.class, () -> wfDlq.get("t1", "1-0"));
    assertThrows(NotFoundException.class, () -> wfDlq.rerun("t1", "1-0", true, RunOverrides.NONE));
    Message plain =
        Message.builder().withTenant("t1").withId("msg_plain").withUrl("http://x/").build();
    store
        .commit(
            new StoreBatch()
                .putDlq(new DlqEntry("9-0", plain, 1, 500, Map.of(), new byte[0], null)),
            null)
        .join();
    InvalidRequestException e =
        assertThrows(
            InvalidRequestException.class, () -> wfDlq.rerun("t1", "9-0", true, RunOverrides.NONE));
    assertTrue(e.getMessage().contains("not a workflow"), e.getMessage());
    assertThrows(InvalidRequestException.class, () -> wfDlq.delete("t1", "9-0"));
    assertThrows(
        InvalidRequestException.class, () -> wfDlq.deleteIds("t1", List.of("9-0", "nope")));
    assertThrows(
        InvalidRequestException.class,
        () -> WorkflowDlq.parseBulk(Map.of("bogus", List.of("1")), wfDlq.failureCalls()));
    assertThrows(
        InvalidRequestException.class,
        () -> WorkflowDlq.parseBulk(Map.of("count", List.of("1001")), wfDlq.failureCalls()));
  }

  @Test
  void bulkRerunTakesTheMatchingEntriesAndLeavesTheOthers() {
    String dlqId = failedRun();
    Message plain =
        Message.builder().withTenant("t1").withId("msg_plain").withUrl("http://x/").build();
    store
        .commit(
            new StoreBatch()
                .putDlq(new DlqEntry("9-0", plain, 1, 500, Map.of(), new byte[0], null)),
            null)
        .join();
    WorkflowDlq none =
        WorkflowDlq.parseBulk(Map.of("workflowRunId", List.of("wfr_other")), wfDlq.failureCalls());
    assertEquals(0, wfDlq.rerunMatching("t1", none, true, RunOverrides.NONE).join().items().size());
    DlqService.Bulk<WorkflowDlqService.NewRun> all =
        wfDlq
            .rerunMatching(
                "t1",
                WorkflowDlq.parseBulk(Map.of(), wfDlq.failureCalls()),
                false,
                RunOverrides.NONE)
            .join();
    assertEquals(1, all.items().size());
    assertNull(all.nextCursor());
    assertTrue(store.findDlq("t1", dlqId).isEmpty());
    assertTrue(store.findDlq("t1", "9-0").isPresent(), "a plain entry is not a workflow's");
  }

  @Test
  void deleteRemovesWorkflowEntries() {
    String dlqId = failedRun();
    assertEquals(0, wfDlq.deleteIds("t1", List.of("nope")).join());
    assertEquals(1, wfDlq.deleteIds("t1", List.of(dlqId, "nope")).join());
    assertTrue(store.findDlq("t1", dlqId).isEmpty());
  }

  @Test
  void runHeadersAreReplacedUnderEveryName() {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Upstash-Workflow-RunId", List.of("wfr_old"));
    h.put("Upstash-Callback-Forward-Upstash-Workflow-RunId", List.of("wfr_old"));
    h.put("Upstash-Workflow-CreatedAt", List.of("1"));
    h.put("X-Other", List.of("v"));
    Map<String, List<String>> out = Reruns.rebind(h, "wfr_new", 2);
    assertEquals(List.of("wfr_new"), out.get("Upstash-Callback-Forward-Upstash-Workflow-RunId"));
    assertEquals(List.of("wfr_new"), out.get("Upstash-Workflow-RunId"));
    assertEquals(List.of("2"), out.get("Upstash-Workflow-CreatedAt"));
    assertEquals(List.of("v"), out.get("X-Other"));
  }
}
