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
import dev.postbox.core.metrics.BrokerMetrics;
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
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Waits end to end in memory: register, notify or time out, deliver with a settable clock. */
class WaitServiceTest {
  private static final String URL = "http://app/wf";
  private static final String FEATURES =
      "LazyFetch,InitialBody,WF_DetectTrigger,WF_TriggerOnConfig";

  private final SettableClock clock = new SettableClock();
  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private final List<DeliveryRequest> sent = new ArrayList<>();
  private final Deque<DeliveryResponse> answers = new ArrayDeque<>();
  private Dispatcher dispatcher;
  private PublishService publish;
  private WorkflowService workflows;
  private WaitService waits;

  @BeforeEach
  void setUp() {
    clock.set(1_700_000_000_000L);
    Tenants tenants =
        new Tenants(List.of(new Tenant("t1", "token", new SigningKeys("sig_a", "sig_b"), false)));
    Workflows shared = new Workflows(store);
    QueueService queues = new QueueService(store, clock, Runnable::run);
    FlowControlService flow = new FlowControlService(store, clock);
    dispatcher =
        new Dispatcher(
            store,
            r -> {
              sent.add(r);
              DeliveryResponse a = answers.poll();
              return CompletableFuture.completedFuture(
                  a != null
                      ? a
                      : new DeliveryResponse(
                          200,
                          Map.of("Upstash-Workflow-Sdk-Version", List.of("1")),
                          new byte[0],
                          null));
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
    publish =
        new PublishService(store, dispatcher, queues, flow, StorageQuota.unlimited(store, clock));
    workflows = new WorkflowService(shared, publish, dispatcher, clock);
    waits = new WaitService(shared, publish, PublishLimits.defaults(), clock);
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

  private void trigger(String runId) {
    Map<String, List<String>> h = sdkHeaders(runId, true);
    PublishOptions o = PublishHeaders.parse(h, clock.millis(), PublishLimits.defaults());
    Message m =
        MessageFactory.create(
            "t1", URL, "{}".getBytes(StandardCharsets.UTF_8), o, "1.2.3.4", clock.millis());
    workflows.publish(m, WorkflowHeaders.parse(h)).join();
    dispatcher.runOnce();
  }

  private static WaitRequest request(String timeout) {
    Map<String, List<String>> timeoutHeaders = new LinkedHashMap<>();
    timeoutHeaders.put("Upstash-Workflow-Runid", List.of("wfr_1"));
    timeoutHeaders.put("Upstash-Workflow-Init", List.of("false"));
    timeoutHeaders.put("Upstash-Forward-Upstash-Workflow-Sdk-Version", List.of("1"));
    return new WaitRequest(
        URL,
        timeout,
        URL + "/timeout",
        null,
        timeoutHeaders,
        new WaitStep(1, "wait", "Wait", 1, null, timeout));
  }

  private void await(String runId, String eventId, String timeout) {
    Map<String, List<String>> h = sdkHeaders(runId, false);
    h.put("authorization", List.of("Bearer secret"));
    waits.await("t1", eventId, h, request(timeout)).join();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The body of the last history entry the last delivery carried, decoded. */
  private String lastStep() {
    String body = new String(sent.get(sent.size() - 1).body(), StandardCharsets.UTF_8);
    int at = body.lastIndexOf("\"body\":\"") + 8;
    return new String(
        Base64.getDecoder().decode(body.substring(at, body.indexOf('"', at))),
        StandardCharsets.UTF_8);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(bytes(s));
  }

  @Test
  void aNotifyWakesTheWaiterAndItsStepCarriesTheEventData() {
    trigger("wfr_1");
    await("wfr_1", "e1", "1d");
    assertEquals(1, store.waiters().size());

    List<NotifyResult> r = waits.notify("t1", "e1", bytes("{\"ok\":1}")).join();
    assertEquals(1, r.size());
    assertEquals("wfr_1", r.get(0).waiter().runId());
    assertTrue(store.waiters().isEmpty(), "the waiter is deleted in the same write");
    dispatcher.runOnce();
    DeliveryRequest d = sent.get(sent.size() - 1);
    assertEquals(URL, d.url());
    assertEquals(List.of("1"), d.headers().get("Upstash-Workflow-Sdk-Version"));
    assertEquals(
        "{\"stepId\":1,\"stepName\":\"wait\",\"stepType\":\"Wait\",\"waitEventId\":\"e1\","
            + "\"timeout\":\"1d\",\"concurrent\":1,\"out\":\""
            + b64("{\"ok\":1}")
            + "\",\"waitTimeout\":false}",
        lastStep());
    assertTrue(waits.notify("t1", "e1", bytes("again")).join().isEmpty(), "woken once");
  }

  @Test
  void aRunsWaitersAreListedByRunUntilTheyAreWoken() {
    trigger("wfr_1");
    trigger("wfr_2");
    await("wfr_1", "e1", "1d");
    await("wfr_1", "e2", "1d");
    await("wfr_2", "e1", "1d");
    assertEquals(
        List.of("e1", "e2"),
        waits.waitersOfRun("t1", "wfr_1").stream().map(Waiter::eventId).toList());
    assertTrue(waits.waitersOfRun("t2", "wfr_1").isEmpty(), "another tenant's run");
    waits.notify("t1", "e1", bytes("x")).join();
    assertEquals(
        List.of("e2"), waits.waitersOfRun("t1", "wfr_1").stream().map(Waiter::eventId).toList());
    assertTrue(waits.waitersOfRun("t1", "wfr_2").isEmpty());
  }

  @Test
  void aWaiterWhoseDeadlinePassesTimesOutToItsTimeoutUrl() {
    trigger("wfr_1");
    await("wfr_1", "e1", "2s");
    clock.tick(Duration.ofMillis(1999));
    assertEquals(0, waits.fireDue());
    clock.tick(Duration.ofMillis(1));
    assertEquals(1, waits.fireDue());
    assertTrue(store.waiters().isEmpty());
    dispatcher.runOnce();
    assertEquals(URL + "/timeout", sent.get(sent.size() - 1).url());
    assertTrue(lastStep().endsWith("\"concurrent\":1,\"waitTimeout\":true}"), lastStep());
    assertTrue(waits.notify("t1", "e1", bytes("late")).join().isEmpty());
    assertEquals(0, waits.fireDue());
  }

  @Test
  void ofANotifyAndATimeoutOfTheSameWaiterExactlyOneWins() {
    trigger("wfr_1");
    await("wfr_1", "e1", "2s");
    clock.tick(Duration.ofSeconds(5));
    assertEquals(1, waits.notify("t1", "e1", bytes("first")).join().size());
    assertEquals(0, waits.fireDue());
    assertEquals(
        2, store.readHistory("t1", "wfr_1", Long.MAX_VALUE).size(), "the trigger and one Wait");
  }

  @Test
  void aLookbackNotifyIsKeptUntilTheRunWaitsAndThenDeliveredAtOnce() {
    trigger("wfr_1");
    assertTrue(waits.notifyRun("t1", "wfr_1", "e1", bytes("early")).join().isEmpty());
    assertEquals(1, store.waitEvents().size());
    await("wfr_1", "e1", "1d");
    assertTrue(store.waitEvents().isEmpty(), "consumed in the write that appends the step");
    assertTrue(store.waiters().isEmpty(), "no waiter is left behind");
    dispatcher.runOnce();
    assertTrue(lastStep().contains("\"out\":\"" + b64("early") + "\""), lastStep());
  }

  @Test
  void aNotifyWithoutARunKeepsNothingWhenNobodyWaits() {
    trigger("wfr_1");
    assertTrue(waits.notify("t1", "e1", bytes("lost")).join().isEmpty());
    await("wfr_1", "e1", "1d");
    assertEquals(1, store.waiters().size());
    assertTrue(waits.notify("t2", "e1", bytes("other tenant")).join().isEmpty());
    assertEquals(1, store.waiters().size());
  }

  @Test
  void aLookbackNotifyWakesTheRunsCurrentWaiter() {
    trigger("wfr_1");
    await("wfr_1", "e1", "1d");
    assertEquals(1, waits.notifyRun("t1", "wfr_1", "e1", bytes("now")).join().size());
    assertTrue(store.waitEvents().isEmpty());
    assertTrue(store.waiters().isEmpty());
  }

  @Test
  void endingARunDropsItsWaitersAndKeptEvents() {
    trigger("wfr_1");
    await("wfr_1", "e1", "2s");
    waits.notifyRun("t1", "wfr_1", "e2", bytes("kept")).join();
    workflows.end("t1", "wfr_1", true, null).join();
    assertTrue(store.waiters().isEmpty());
    assertTrue(store.waitEvents().isEmpty());
    assertTrue(waits.waiters("t1", "e1").isEmpty());
    clock.tick(Duration.ofSeconds(5));
    assertEquals(0, waits.fireDue());
  }

  @Test
  void aRunFailedByAStepDropsItsWaiters() {
    trigger("wfr_1");
    await("wfr_1", "e1", "2s");
    Map<String, List<String>> h = sdkHeaders("wfr_1", false);
    PublishOptions o = PublishHeaders.parse(h, clock.millis(), PublishLimits.defaults());
    Message step =
        MessageFactory.create("t1", URL, bytes("{\"stepId\":2}"), o, null, clock.millis());
    answers.add(
        new DeliveryResponse(
            489, Map.of("Upstash-NonRetryable-Error", List.of("true")), new byte[0], null));
    workflows.publish(step, WorkflowHeaders.parse(h)).join(); // a parallel branch, say
    dispatcher.runOnce();
    assertEquals(WorkflowState.RUN_FAILED, store.findRun("t1", "wfr_1").orElseThrow().state());
    assertTrue(store.waiters().isEmpty(), "dropped in the write that fails the run");
    assertTrue(waits.waiters("t1", "e1").isEmpty());
  }

  @Test
  void waitersAreListedWithoutTheCallersCredentials() {
    trigger("wfr_1");
    await("wfr_1", "e1", "1d");
    List<Waiter> listed = waits.waiters("t1", "e1");
    assertEquals(1, listed.size());
    assertEquals(clock.millis() + 86_400_000L, listed.get(0).deadline());
    assertFalse(listed.get(0).headers().containsKey("authorization"));
    assertEquals(List.of("wfr_1"), listed.get(0).headers().get("upstash-workflow-runid"));
    assertTrue(waits.waiters("t2", "e1").isEmpty(), "per tenant");
  }

  @Test
  void storedWaitersAreLoadedOnStartAndCanBeNotified() {
    trigger("wfr_1");
    await("wfr_1", "e1", "1d");
    Workflows restarted = new Workflows(store);
    WaitService again = new WaitService(restarted, publish, PublishLimits.defaults(), clock);
    again.recover();
    assertEquals(1, again.waiters("t1", "e1").size());
    assertEquals(1, again.notify("t1", "e1", bytes("after restart")).join().size());
    assertTrue(store.waiters().isEmpty());
  }

  @Test
  void badWaitsAreRefused() {
    trigger("wfr_1");
    trigger("wfr_done");
    workflows.end("t1", "wfr_done", false, null).join();
    Map<String, List<String>> h = sdkHeaders("wfr_x", false);
    NotFoundException unknown =
        assertThrows(NotFoundException.class, () -> waits.await("t1", "e", h, request("1d")));
    assertEquals("workflow run wfr_x not found", unknown.getMessage());
    InvalidRequestException ended =
        assertThrows(
            InvalidRequestException.class,
            () -> waits.await("t1", "e", sdkHeaders("wfr_done", false), request("1d")));
    assertTrue(ended.getMessage().contains("has ended"), ended.getMessage());
    InvalidRequestException badTimeout =
        assertThrows(
            InvalidRequestException.class,
            () -> waits.await("t1", "e", sdkHeaders("wfr_1", false), request("soon")));
    assertTrue(badTimeout.getMessage().contains("timeout"), badTimeout.getMessage());
    assertThrows(
        InvalidRequestException.class,
        () -> waits.await("t1", "e", sdkHeaders("wfr_1", false), request("0s")),
        "a wait must last");
    InvalidRequestException noRun =
        assertThrows(
            InvalidRequestException.class, () -> waits.await("t1", "e", Map.of(), request("1d")));
    assertTrue(noRun.getMessage().contains("Upstash-Workflow-RunId"), noRun.getMessage());
    WaitRequest noUrl = new WaitRequest(null, "1d", null, null, null, request("1d").step());
    assertThrows(
        InvalidRequestException.class,
        () -> waits.await("t1", "e", sdkHeaders("wfr_1", false), noUrl));
    assertThrows(NotFoundException.class, () -> waits.notifyRun("t1", "wfr_x", "e", bytes("x")));
    assertThrows(
        InvalidRequestException.class, () -> waits.notifyRun("t1", "wfr_done", "e", bytes("x")));
    assertTrue(store.waiters().isEmpty());
  }
}
