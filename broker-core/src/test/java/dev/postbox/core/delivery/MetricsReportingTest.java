package dev.postbox.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.KeepEnded;
import dev.postbox.core.message.Message;
import dev.postbox.core.metrics.AttemptOutcome;
import dev.postbox.core.metrics.BrokerMetrics;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StorageQuota;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import dev.postbox.core.testing.TestDispatchers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the core tells {@link BrokerMetrics}: each publish, and each attempt with its outcome. */
class MetricsReportingTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String OK = "http://ok.example/hook";
  private static final String FAILING = "http://failing.example/hook";

  private final SettableClock clock = new SettableClock();
  private final MessageStore store = new InMemoryMessageStore();
  private final ScriptedDeliverer deliverer = new ScriptedDeliverer();
  private final QueueService queues = TestDispatchers.queues(store, clock);
  private final FlowControlService flow = new FlowControlService(store, clock);
  private final List<String> published = new ArrayList<>();
  private final List<AttemptOutcome> outcomes = new ArrayList<>();
  private final List<Long> durations = new ArrayList<>();
  private final BrokerMetrics metrics =
      new BrokerMetrics() {
        @Override
        public void published(String tenant) {
          published.add(tenant);
        }

        @Override
        public void attempt(AttemptOutcome outcome, long nanos) {
          outcomes.add(outcome);
          durations.add(nanos);
        }
      };
  private Dispatcher dispatcher;
  private PublishService publish;

  @BeforeEach
  void setUp() {
    clock.set(T0);
    dispatcher =
        TestDispatchers.create(
            store,
            deliverer,
            queues,
            flow,
            clock,
            new Dispatcher.Options(100, 10, 100, 1000),
            KeepEnded.OFF,
            metrics);
    publish =
        new PublishService(
            store, dispatcher, queues, flow, StorageQuota.unlimited(store, clock), metrics);
  }

  private Message message(String url, int maxRetries) {
    return Message.builder()
        .withTenant("t1")
        .withId(Ids.messageId())
        .withUrl(url)
        .withBody("hello".getBytes())
        .withHeaders(Map.of())
        .withCreatedAt(clock.millis())
        .withNotBefore(clock.millis())
        .withDueAt(clock.millis())
        .withMaxRetries(maxRetries)
        .build();
  }

  @Test
  void eachPublishAndEachAttemptIsReportedWithItsOutcome() {
    deliverer.answer(FAILING, ScriptedDeliverer.status(500), ScriptedDeliverer.status(500));
    publish.accept(List.of(message(OK, 3), message(FAILING, 1))).join();
    assertEquals(List.of("t1", "t1"), published);
    assertEquals(2, dispatcher.runOnce());
    assertEquals(List.of(AttemptOutcome.DELIVERED, AttemptOutcome.RETRY), outcomes);

    clock.set(T0 + 24 * 3600_000L); // past any retry delay
    assertEquals(1, dispatcher.runOnce());
    assertEquals(
        List.of(AttemptOutcome.DELIVERED, AttemptOutcome.RETRY, AttemptOutcome.DLQ), outcomes);
    assertEquals(List.of("t1", "t1"), published, "a retry is not a new publish");
    assertTrue(durations.stream().allMatch(n -> n >= 0), durations.toString());
  }

  @Test
  void anAttemptThatFailsWhileACancelIsPendingIsReportedCanceled() {
    deliverer.hold = true;
    Message m = message(FAILING, 3);
    publish.accept(List.of(m)).join();
    assertEquals(1, dispatcher.runOnce());
    assertTrue(dispatcher.cancel(m.ref()).join());
    deliverer.held.get(0).complete(ScriptedDeliverer.status(500));
    assertEquals(List.of(AttemptOutcome.CANCELED), outcomes);
  }
}
