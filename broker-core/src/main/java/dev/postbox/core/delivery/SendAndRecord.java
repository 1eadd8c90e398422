package dev.postbox.core.delivery;

import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.metrics.BrokerMetrics;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs and sends the deliveries a pass started, and records each outcome as it arrives (on the
 * deliverer's thread): the changes {@link RecordOutcome} computes are committed, then the
 * delivery's slots are released and the dispatch thread woken.
 */
final class SendAndRecord {
  private static final Logger LOG = LoggerFactory.getLogger(SendAndRecord.class);

  /** How long past its own timeout an attempt may stay without an outcome. */
  private static final long OUTCOME_GRACE_MILLIS = 30_000;

  /** When an outcome could not even be turned into changes, the delivery is retried this later. */
  private static final long UNRECORDED_RETRY_MILLIS = 60_000;

  /** A pass hands its sends to the send threads only when each thread gets at least this many. */
  private static final int MIN_SENDS_PER_THREAD = 2;

  private final MessageStore store;
  private final Deliverer deliverer;
  private final OutgoingRequests requests;
  private final RecordOutcome recordOutcome;
  private final QueueService queues;
  private final FlowControlService flow;
  private final Clock clock;
  private final InFlight inFlight;
  private final Wakeup wakeup;
  private final BrokerMetrics metrics;
  private final int threads;
  private final ExecutorService sendPool; // null: the dispatch thread sends
  private volatile AttemptObserver observer = AttemptObserver.NONE;

  SendAndRecord(
      MessageStore store,
      Deliverer deliverer,
      OutgoingRequests requests,
      RecordOutcome recordOutcome,
      QueueService queues,
      FlowControlService flow,
      Clock clock,
      InFlight inFlight,
      Wakeup wakeup,
      int sendThreads,
      BrokerMetrics metrics) {
    this.store = store;
    this.deliverer = deliverer;
    this.requests = requests;
    this.recordOutcome = recordOutcome;
    this.queues = queues;
    this.flow = flow;
    this.clock = clock;
    this.inFlight = inFlight;
    this.wakeup = wakeup;
    this.metrics = metrics;
    this.threads = sendThreads;
    this.sendPool =
        sendThreads > 0
            ? Executors.newFixedThreadPool(
                sendThreads,
                r -> {
                  Thread t = new Thread(r, "postbox-send");
                  t.setDaemon(true);
                  return t;
                })
            : null;
  }

  /** Sends what a pass started: here, or split over the send threads. */
  void sendAll(List<Message> started, long now) {
    if (sendPool == null || started.size() < MIN_SENDS_PER_THREAD * threads) {
      for (Message m : started) {
        send(m, now);
      }
      return;
    }
    int per = (started.size() + threads - 1) / threads;
    for (int from = 0; from < started.size(); from += per) {
      List<Message> chunk = started.subList(from, Math.min(started.size(), from + per));
      try {
        sendPool.execute(() -> chunk.forEach(m -> send(m, now)));
      } catch (RejectedExecutionException e) {
        chunk.forEach(m -> send(m, now)); // stopping: send here
      }
    }
  }

  /** Shows each attempt to {@code o} from now on (test mode records them). */
  void observe(AttemptObserver o) {
    observer = o;
  }

  /** Stops taking sends; those already handed over still run. */
  void shutdown() {
    if (sendPool != null) {
      sendPool.shutdown();
    }
  }

  private void send(Message m, long now) {
    CompletableFuture<DeliveryResponse> response;
    long started = System.nanoTime();
    DeliveryRequest request = null;
    try {
      request = requests.build(m, now);
      FlowControl fc = m.flowControl();
      if (fc != null) {
        flow.sending(m.tenant(), fc.key(), now, clock.millis()); // its rate counts from now on
      }
      // Safety net: whatever a deliverer does, an attempt ends, so its slot is never held forever.
      response =
          deliverer
              .deliver(request)
              .completeOnTimeout(
                  DeliveryResponse.transportFailure("no outcome from the HTTP client"),
                  request.timeoutMillis() + OUTCOME_GRACE_MILLIS,
                  TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      LOG.warn("could not prepare delivery of {}", m.id(), e);
      response = CompletableFuture.completedFuture(DeliveryResponse.transportFailure(e.toString()));
    }
    DeliveryRequest sent = request;
    response.whenComplete(
        (r, err) ->
            onOutcome(
                m,
                sent,
                r != null ? r : DeliveryResponse.transportFailure(String.valueOf(err)),
                started));
  }

  private void onOutcome(
      Message m, DeliveryRequest request, DeliveryResponse r, long startedNanos) {
    MessageRef ref = m.ref();
    InFlight.Claim c = inFlight.get(ref);
    AttemptObserver o = observer;
    if (o != AttemptObserver.NONE) {
      try {
        o.attempted(m, request, r, clock.millis());
      } catch (RuntimeException e) {
        LOG.warn("attempt observer failed on {}", m.id(), e);
      }
    }
    RecordOutcome.Changes recorded = null;
    try {
      long now = clock.millis();
      RecordOutcome.Changes changes =
          recordOutcome.record(m, r, now, c != null && c.cancelRequested);
      recorded = changes;
      metrics.attempt(changes.outcome(), System.nanoTime() - startedNanos);
      store
          .commit(changes.batch(), Durability.ASYNC)
          .whenComplete(
              (v, err) -> {
                if (err != null) {
                  LOG.error("could not record the outcome of {}", m.id(), err);
                } else {
                  queues.committed(changes.batch()); // a final outcome frees a queue slot
                }
                release(ref, c);
                if (changes.earliestNewDue() != Long.MAX_VALUE) {
                  wakeup.notifyDue(changes.earliestNewDue());
                }
                recordOutcome.committed(changes.batch(), err == null);
              });
    } catch (RuntimeException e) {
      // Never leave the message marked in flight until the next restart: try it again later.
      LOG.error("could not record the outcome of {}; retrying it in a minute", m.id(), e);
      if (recorded != null) {
        recordOutcome.committed(recorded.batch(), false);
      }
      long due = clock.millis() + UNRECORDED_RETRY_MILLIS;
      store
          .commit(new StoreBatch().deleteInFlight(ref).putDue(due, m), Durability.ASYNC)
          .whenComplete((v, err) -> release(ref, c));
    }
  }

  private void release(MessageRef ref, InFlight.Claim c) {
    inFlight.release(ref, c);
    wakeup.wake();
  }
}
