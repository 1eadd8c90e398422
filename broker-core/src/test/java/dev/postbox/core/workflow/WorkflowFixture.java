package dev.postbox.core.workflow;

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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Workflow runs in memory for the invoke and trigger tests: a store, a dispatcher whose sends are
 * recorded and answered from {@link #answers} (else as the SDK answers), and the services.
 */
final class WorkflowFixture {
  static final String FEATURES = "LazyFetch,InitialBody,WF_DetectTrigger,WF_TriggerOnConfig";

  final SettableClock clock = new SettableClock();
  final InMemoryMessageStore store;
  final List<DeliveryRequest> sent = new ArrayList<>();
  final Deque<DeliveryResponse> answers = new ArrayDeque<>();

  /** Run at each send before it is answered, as the endpoint's work. */
  Runnable beforeAnswer = () -> {};

  final Dispatcher dispatcher;
  final WorkflowService workflows;
  final TriggerService triggers;

  WorkflowFixture() {
    this(new InMemoryMessageStore());
  }

  /** Over a store another fixture wrote: as after a restart, no run is in memory. */
  WorkflowFixture(InMemoryMessageStore store) {
    this.store = store;
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
              beforeAnswer.run();
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
    triggers = new TriggerService(shared, publish);
  }

  /** A success as the SDK answers it: its protocol version and its release. */
  static DeliveryResponse sdkOk() {
    return new DeliveryResponse(
        200,
        Map.of(
            "Upstash-Workflow-Sdk-Version",
            List.of("1"),
            "Upstash-Workflow-Sdk",
            List.of("v1.3.2")),
        new byte[0],
        null);
  }

  /** Headers as the SDK sends them for a run at {@code url}. */
  static Map<String, List<String>> sdkHeaders(String url, String runId, boolean init) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("upstash-workflow-init", List.of(Boolean.toString(init)));
    h.put("upstash-workflow-runid", List.of(runId));
    h.put("upstash-workflow-url", List.of(url));
    h.put("upstash-feature-set", List.of(FEATURES));
    h.put("upstash-workflow-sdk-version", List.of("1"));
    h.put("upstash-forward-upstash-workflow-sdk-version", List.of("1"));
    h.put("content-type", List.of("application/json"));
    return h;
  }

  Message message(String url, Map<String, List<String>> headers, String body) {
    PublishOptions o = PublishHeaders.parse(headers, clock.millis(), PublishLimits.defaults());
    return MessageFactory.create(
        "t1", url, body.getBytes(StandardCharsets.UTF_8), o, "1.2.3.4", clock.millis());
  }

  Deduplication.Published publish(String url, Map<String, List<String>> headers, String body) {
    return workflows.publish(message(url, headers, body), WorkflowHeaders.parse(headers)).join();
  }

  String step(String url, String runId, String body) {
    return publish(url, sdkHeaders(url, runId, false), body).accepted().get(0).messageId();
  }

  /** Delivers what is due until nothing more is sent. */
  void deliverAll() {
    int before;
    do {
      before = sent.size();
      dispatcher.runOnce();
    } while (sent.size() > before);
  }

  String body(int i) {
    return new String(sent.get(i).body(), StandardCharsets.UTF_8);
  }

  WorkflowState state(String runId) {
    return store.findRun("t1", runId).orElseThrow().state();
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String unb64(String s) {
    return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
  }
}
