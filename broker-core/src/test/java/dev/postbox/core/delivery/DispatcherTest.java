package dev.postbox.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageKind;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.Positioned;
import dev.postbox.core.store.StorageQuota;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import dev.postbox.core.testing.TestDispatchers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Message state transitions, driven by a settable clock and one dispatch pass at a time. */
class DispatcherTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String URL = "http://dest.example/hook";

  private final SettableClock clock = new SettableClock();
  private final MessageStore store = new InMemoryMessageStore();
  private final ScriptedDeliverer deliverer = new ScriptedDeliverer();
  private final QueueService queues = TestDispatchers.queues(store, clock);
  private final FlowControlService flow = new FlowControlService(store, clock);
  private Dispatcher dispatcher;
  private PublishService publish;

  @BeforeEach
  void setUp() {
    clock.set(T0);
    dispatcher = dispatcher(new Dispatcher.Options(100, 10, 100, 1000));
    publish =
        new PublishService(store, dispatcher, queues, flow, StorageQuota.unlimited(store, clock));
  }

  private Dispatcher dispatcher(Dispatcher.Options options) {
    return TestDispatchers.create(store, deliverer, queues, flow, clock, options);
  }

  private Message.Builder message() {
    return Message.builder()
        .withTenant("t1")
        .withId(Ids.messageId())
        .withUrl(URL)
        .withBody("hello".getBytes())
        .withHeaders(Map.of("Content-Type", List.of("text/plain")))
        .withCreatedAt(clock.millis())
        .withNotBefore(clock.millis())
        .withDueAt(clock.millis());
  }

  private Message publish(Message m) {
    publish.accept(List.of(m)).join();
    return m;
  }

  private List<MessageState> states(String id) {
    List<MessageState> out = new ArrayList<>();
    for (Positioned<LogEntry> p :
        store.listLogs("t1", null, 1000, false, e -> e.message().id().equals(id)).items()) {
      out.add(p.item().state());
    }
    return out;
  }

  @Test
  void dueMessageIsDeliveredSignedAndRemoved() {
    Message m = publish(message().build());
    assertEquals(1, dispatcher.runOnce());
    assertEquals(1, deliverer.requests.size());
    DeliveryRequest r = deliverer.requests.get(0);
    assertEquals("POST", r.method());
    assertEquals(URL, r.url());
    assertEquals(List.of(m.id()), r.headers().get("Upstash-Message-Id"));
    assertEquals(List.of("0"), r.headers().get("Upstash-Retried"));
    assertEquals(List.of("Upstash-QStash"), r.headers().get("User-Agent"));
    assertEquals(List.of("text/plain"), r.headers().get("Content-Type"));
    assertEquals(
        List.of("signed:sig_current_key_0123456789abcdef01:" + URL + ":" + T0 / 1000),
        r.headers().get("Upstash-Signature"));
    assertTrue(store.findMessage(m.ref()).isEmpty());
    assertTrue(store.inFlight().isEmpty());
    assertEquals(
        List.of(MessageState.CREATED, MessageState.ACTIVE, MessageState.DELIVERED), states(m.id()));
    assertEquals(0, dispatcher.runOnce());
  }

  @Test
  void delayedMessageWaitsForItsTime() {
    Message m = publish(message().withNotBefore(T0 + 5_000).withDueAt(T0 + 5_000).build());
    assertEquals(0, dispatcher.runOnce());
    clock.set(T0 + 4_999);
    assertEquals(0, dispatcher.runOnce());
    clock.set(T0 + 5_000);
    assertEquals(1, dispatcher.runOnce());
    assertTrue(store.findMessage(m.ref()).isEmpty());
  }

  @Test
  void failureIsRetriedWithTheDefaultBackoff() {
    deliverer.answer(URL, ScriptedDeliverer.status(500));
    Message m = publish(message().build());
    dispatcher.runOnce();
    Message pending = store.findMessage(m.ref()).orElseThrow();
    assertEquals(1, pending.retried());
    assertEquals(T0 + 12_182, pending.dueAt()); // e^2.5 s
    clock.set(T0 + 12_181);
    assertEquals(0, dispatcher.runOnce());
    clock.set(T0 + 12_182);
    assertEquals(1, dispatcher.runOnce());
    assertEquals(List.of("1"), deliverer.requests.get(1).headers().get("Upstash-Retried"));
    assertEquals(
        List.of(
            MessageState.CREATED,
            MessageState.ACTIVE,
            MessageState.ERROR,
            MessageState.RETRY,
            MessageState.ACTIVE,
            MessageState.DELIVERED),
        states(m.id()));
  }

  @Test
  void exhaustedMessageIsDeadLetteredWithItsFailureCallback() {
    deliverer.answer(URL, ScriptedDeliverer.status(500), ScriptedDeliverer.status(503));
    CallbackSpec failure =
        new CallbackSpec("http://cb.example/failed", "POST", 0, null, null, 0, Map.of());
    Message m =
        publish(
            message()
                .withMaxRetries(1)
                .withRetryDelayExpression("1000")
                .withFailureCallback(failure)
                .build());
    dispatcher.runOnce();
    clock.set(T0 + 1_000);
    dispatcher.runOnce();
    assertTrue(store.findMessage(m.ref()).isEmpty());
    List<DlqEntry> dlq = store.listDlq("t1", null, 10, false, e -> true).items();
    assertEquals(1, dlq.size());
    assertEquals(503, dlq.get(0).responseStatus());
    assertEquals(m.id(), dlq.get(0).message().id());
    // The failure callback is a new pending message due now, delivered on the next pass.
    assertEquals(1, dispatcher.runOnce());
    DeliveryRequest cb = deliverer.requests.get(2);
    assertEquals("http://cb.example/failed", cb.url());
    String payload = new String(cb.body());
    assertTrue(payload.contains("\"dlqId\":\"" + dlq.get(0).dlqId() + "\""), payload);
    assertTrue(payload.contains("\"status\":503"), payload);
    assertTrue(states(m.id()).contains(MessageState.FAILED));
  }

  @Test
  void nonRetryableResponseFailsAtOnce() {
    deliverer.answer(
        URL,
        new DeliveryResponse(
            489, Map.of("Upstash-NonRetryable-Error", List.of("true")), null, null));
    Message m = publish(message().withMaxRetries(5).build());
    dispatcher.runOnce();
    assertTrue(store.findMessage(m.ref()).isEmpty());
    assertEquals(1, store.listDlq("t1", null, 10, false, e -> true).items().size());
  }

  @Test
  void callbackFollowsEveryAttempt() {
    deliverer.answer(URL, ScriptedDeliverer.status(500));
    CallbackSpec cb = new CallbackSpec("http://cb.example/each", "POST", 0, 0, null, 0, Map.of());
    Message m = publish(message().withRetryDelayExpression("0").withCallback(cb).build());
    dispatcher.runOnce(); // attempt 1 fails -> callback message + retry
    dispatcher.runOnce(); // callback and retry
    dispatcher.runOnce();
    long callbacks =
        deliverer.urls().stream().filter(u -> u.equals("http://cb.example/each")).count();
    assertEquals(2, callbacks);
    assertTrue(store.findMessage(m.ref()).isEmpty());
  }

  @Test
  void cancelledMessageIsNeverDelivered() {
    Message m = publish(message().withNotBefore(T0 + 1_000).withDueAt(T0 + 1_000).build());
    assertTrue(dispatcher.cancel(m.ref()).join());
    clock.set(T0 + 2_000);
    assertEquals(0, dispatcher.runOnce());
    assertTrue(deliverer.requests.isEmpty());
    assertFalse(dispatcher.cancel(m.ref()).join());
    assertEquals(
        List.of(MessageState.CREATED, MessageState.CANCEL_REQUESTED, MessageState.CANCELED),
        states(m.id()));
  }

  @Test
  void cancelWhileInFlightStopsFurtherRetries() {
    deliverer.hold = true;
    Message m = publish(message().build());
    dispatcher.runOnce();
    assertTrue(dispatcher.cancel(m.ref()).join());
    deliverer.held.get(0).complete(ScriptedDeliverer.status(500));
    assertTrue(store.findMessage(m.ref()).isEmpty());
    assertTrue(states(m.id()).contains(MessageState.CANCELED));
    assertEquals(0, dispatcher.inFlightCount());
  }

  @Test
  void aSaturatedHostDoesNotBlockOtherHosts() {
    dispatcher = dispatcher(new Dispatcher.Options(100, 1, 100, 1000));
    publish =
        new PublishService(store, dispatcher, queues, flow, StorageQuota.unlimited(store, clock));
    deliverer.hold = true;
    publish(message().build());
    Message second = publish(message().build());
    Message other = publish(message().withUrl("http://other.example/x").build());
    assertEquals(2, dispatcher.runOnce());
    // Same due time: order among them is by id, so compare as a set.
    assertEquals(Set.of(URL, "http://other.example/x"), new HashSet<>(deliverer.urls()));
    assertNotNull(store.findMessage(second.ref()).orElse(null));
    // The parked message starts as soon as its host frees a slot, with no time passing.
    deliverer.held.get(deliverer.urls().indexOf(URL)).complete(ScriptedDeliverer.status(200));
    assertEquals(1, dispatcher.runOnce());
    assertEquals(URL, deliverer.urls().get(2));
    assertTrue(store.findMessage(other.ref()).isPresent()); // still held in flight
  }

  @Test
  void aHostLeavesThePerHostCountersWhenItsLastDeliveryEnds() {
    deliverer.hold = true;
    for (int i = 0; i < 50; i++) {
      publish(message().withUrl("http://host" + i + ".example/x").build());
    }
    assertEquals(50, dispatcher.runOnce());
    assertEquals(50, dispatcher.hostsTracked());
    for (int i = 0; i < 49; i++) {
      deliverer.held.get(i).complete(ScriptedDeliverer.status(200));
    }
    assertEquals(1, dispatcher.hostsTracked()); // the one still in flight
    deliverer.held.get(49).complete(ScriptedDeliverer.status(500)); // a retry follows, later
    assertEquals(0, dispatcher.hostsTracked());
  }

  /** A dispatcher allowing 40 per host, and 40 due messages for one host that never answers. */
  private void fortyForOneHostThatHoldsItsAnswers() {
    dispatcher = dispatcher(new Dispatcher.Options(100, 40, 100, 1000));
    publish =
        new PublishService(store, dispatcher, queues, flow, StorageQuota.unlimited(store, clock));
    deliverer.hold = true;
    for (int i = 0; i < 40; i++) {
      publish(message().build());
    }
  }

  @Test
  void whileTheDelivererIsBehindAndForASecondAfterAHostGetsAtMost16() {
    fortyForOneHostThatHoldsItsAnswers();
    deliverer.lagNanos = 50_000_000L; // its event loops are 50 ms behind
    assertEquals(Dispatcher.LAGGED_HOST_CAP, dispatcher.runOnce());
    assertEquals(0, dispatcher.runOnce());

    deliverer.lagNanos = 0;
    clock.tick(Duration.ofMillis(Dispatcher.LAG_MEMORY_MILLIS - 1));
    assertEquals(0, dispatcher.runOnce(), "still within a second of the stall");
    deliverer.held.get(0).complete(ScriptedDeliverer.status(200));
    assertEquals(1, dispatcher.runOnce(), "a freed slot is reused up to the lowered cap");

    clock.tick(Duration.ofMillis(1));
    assertEquals(40 - Dispatcher.LAGGED_HOST_CAP - 1, dispatcher.runOnce(), "the full cap again");
    assertEquals(40, deliverer.requests.size());
    assertEquals(40 - 1, dispatcher.inFlightCount());
  }

  @Test
  void aLagOfAGcPauseChangesNothing() {
    fortyForOneHostThatHoldsItsAnswers();
    deliverer.lagNanos = 11_000_000L;
    assertEquals(40, dispatcher.runOnce());
  }

  /** Its own counting store, a dispatcher allowing 10 deliveries per host, and publishing. */
  private record Counted(
      InMemoryMessageStore store, Dispatcher dispatcher, PublishService publish) {}

  private Counted tenPerHost() {
    InMemoryMessageStore s = new InMemoryMessageStore();
    QueueService q = TestDispatchers.queues(s, clock);
    FlowControlService f = new FlowControlService(s, clock);
    Dispatcher d =
        TestDispatchers.create(
            s, deliverer, q, f, clock, new Dispatcher.Options(1000, 10, 1000, 1000));
    return new Counted(s, d, new PublishService(s, d, q, f, StorageQuota.unlimited(s, clock)));
  }

  /**
   * A backlog for one saturated host: its messages wait without being read, so draining it reads
   * each message about once. Before, every pass read a scan's worth only to pass them by, and read
   * them again when the host's queue had room: over 4 reads a delivery in a 100,000 drain.
   */
  @Test
  void aBacklogForASaturatedHostIsNotReadWhileItWaits() {
    Counted c = tenPerHost();
    List<Message> backlog = new ArrayList<>();
    // More than a gate's queue holds (MAX_PARKED_PER_GATE), so some are passed by and read later.
    for (int i = 0; i < 12_000; i++) {
      backlog.add(message().build());
    }
    c.publish().accept(backlog).join();
    Message other = message().withUrl("http://other.example/x").build();
    c.publish().accept(List.of(other)).join();
    deliverer.hold = true;
    c.store().messageReads = 0;
    int started = 0;
    for (int pass = 0; pass < 20 && started < 11; pass++) {
      started +=
          c.dispatcher()
              .runOnce(); // a pass scans up to 1,000 entries: the other host's is the last
    }
    assertEquals(11, started, "10 for the saturated host, and the other host's one");
    assertTrue(deliverer.urls().contains("http://other.example/x"));
    assertTrue(c.store().messageReads <= 12, "reads to get there: " + c.store().messageReads);
    while (!deliverer.held.isEmpty()) {
      deliverer.held.remove(0).complete(ScriptedDeliverer.status(200));
      started += c.dispatcher().runOnce();
    }
    assertEquals(12_001, started);
    assertTrue(
        c.store().messageReads < 12_001 + 100, "reads to drain 12,001: " + c.store().messageReads);
  }

  /**
   * A one-host backlog several times what a host's queue holds drains in order with each due entry
   * looked at a few times: the queue is refilled from where it left off. Before, each refill
   * scanned again from the earliest passed-by entry to the end of the backlog (268,512 entries
   * looked at here, and growing with its square).
   */
  @Test
  void aLargeOneHostBacklogIsWalkedAboutOnce() {
    Counted c = tenPerHost();
    int n = 50_000;
    List<Message> backlog = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      backlog.add(message().withId(String.format("msg_%06d", i)).build());
    }
    c.publish().accept(backlog).join();
    deliverer.hold = true;
    int started = 0;
    for (int pass = 0; pass < 200 && started < 10; pass++) {
      started += c.dispatcher().runOnce();
    }
    while (!deliverer.held.isEmpty()) {
      deliverer.held.remove(0).complete(ScriptedDeliverer.status(200));
      started += c.dispatcher().runOnce();
    }
    assertEquals(n, started);
    List<String> order = new ArrayList<>();
    deliverer.requests.forEach(r -> order.add(r.headers().get("Upstash-Message-Id").get(0)));
    for (int i = 1; i < order.size(); i++) {
      if (order.get(i - 1).compareTo(order.get(i)) > 0) {
        throw new AssertionError(
            "out of due order at " + i + ": " + order.subList(Math.max(0, i - 3), i + 3));
      }
    }
    assertEquals(n, new HashSet<>(order).size(), "each once");
    assertTrue(c.store().dueScanned < 3L * n, "due entries looked at: " + c.store().dueScanned);
  }

  @Test
  void globalInFlightCapIsRespected() {
    dispatcher = dispatcher(new Dispatcher.Options(2, 10, 100, 1000));
    publish =
        new PublishService(store, dispatcher, queues, flow, StorageQuota.unlimited(store, clock));
    deliverer.hold = true;
    for (int i = 0; i < 5; i++) {
      publish(message().build());
    }
    assertEquals(2, dispatcher.runOnce());
    assertEquals(0, dispatcher.runOnce());
    deliverer.held.get(0).complete(ScriptedDeliverer.status(200));
    assertEquals(1, dispatcher.runOnce());
  }

  @Test
  void aFullStoreRefusesNewMessagesButKeepsDeliveringStoredOnes() {
    Message stored = publish(message().withBody(new byte[10_000]).build());
    // A quota the stored message exceeds, but its logs alone do not.
    StorageQuota quota = new StorageQuota(store, store.approximateSizeBytes() - 5_000, clock);
    PublishService limited = new PublishService(store, dispatcher, queues, flow, quota);
    quota.refresh();
    assertTrue(quota.isFull());
    BrokerException e =
        assertThrows(BrokerException.class, () -> limited.accept(List.of(message().build())));
    assertEquals(ErrorCode.STORAGE_FULL, e.code());
    assertEquals(1, dispatcher.runOnce());
    assertTrue(store.findMessage(stored.ref()).isEmpty(), "the stored message was delivered");
    quota.refresh();
    assertFalse(quota.isFull(), "space freed: publishing resumes");
    limited.accept(List.of(message().build())).join();
  }

  @Test
  void recoveryRequeuesDeliveriesThatWereInFlight() {
    Message m = message().withNotBefore(T0 - 10).withDueAt(T0 - 10).build();
    store
        .commit(new StoreBatch().putMessage(m).putInFlight(m.ref(), T0 - 5), Durability.SYNC)
        .join();
    assertEquals(1, dispatcher.recover());
    assertTrue(store.inFlight().isEmpty());
    assertEquals(1, dispatcher.runOnce());
    assertEquals(MessageKind.MESSAGE, m.kind());
  }
}
