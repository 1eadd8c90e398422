package dev.postbox.core.testing;

import dev.postbox.core.delivery.Deliverer;
import dev.postbox.core.delivery.DeliveryHook;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.delivery.OutgoingRequests;
import dev.postbox.core.delivery.RecordOutcome;
import dev.postbox.core.delivery.RetryPolicy;
import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.keys.KeyService;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.KeepEnded;
import dev.postbox.core.metrics.BrokerMetrics;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StorageQuota;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.core.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Dispatchers for unit tests: tenant {@code t1}, a fake signer, not started. */
public final class TestDispatchers {
  private TestDispatchers() {}

  /**
   * A publish service whose dispatcher is never started: for tests of what gets stored, not of
   * delivery. No quota.
   */
  public static PublishService publishService(MessageStore store, Clock clock) {
    return publishService(store, clock, queues(store, clock));
  }

  /** The same, with the given queue service. */
  public static PublishService publishService(
      MessageStore store, Clock clock, QueueService queues) {
    Dispatcher dispatcher =
        create(
            store,
            r -> CompletableFuture.completedFuture(DeliveryResponse.transportFailure("unused")),
            clock,
            new Dispatcher.Options(10, 10, 10, 100));
    return new PublishService(
        store,
        dispatcher,
        queues,
        new FlowControlService(store, clock),
        StorageQuota.unlimited(store, clock));
  }

  /** A queue service that runs its promotions on the calling thread. */
  public static QueueService queues(MessageStore store, Clock clock) {
    return new QueueService(store, clock, Runnable::run);
  }

  public static Dispatcher create(
      MessageStore store, Deliverer deliverer, Clock clock, Dispatcher.Options options) {
    return create(
        store,
        deliverer,
        queues(store, clock),
        new FlowControlService(store, clock),
        clock,
        options);
  }

  /** A dispatcher bound to {@code queues} (which it tells about outcomes and cancels). */
  public static Dispatcher create(
      MessageStore store,
      Deliverer deliverer,
      QueueService queues,
      FlowControlService flow,
      Clock clock,
      Dispatcher.Options options) {
    return create(
        store, deliverer, queues, flow, clock, options, KeepEnded.OFF, BrokerMetrics.NONE);
  }

  /**
   * The same, keeping messages that end readable for {@code keepEnded} and telling {@code metrics}.
   */
  public static Dispatcher create(
      MessageStore store,
      Deliverer deliverer,
      QueueService queues,
      FlowControlService flow,
      Clock clock,
      Dispatcher.Options options,
      KeepEnded keepEnded,
      BrokerMetrics metrics) {
    Tenants tenants =
        new Tenants(
            List.of(
                new Tenant(
                    "t1",
                    "token",
                    new SigningKeys("sig_current_key_0123456789abcdef01", "sig_next"),
                    false)));
    OutgoingRequests requests =
        new OutgoingRequests(
            (key, url, body, now) -> "signed:" + key + ":" + url + ":" + now,
            new KeyService(store, tenants),
            60_000);
    Dispatcher d =
        new Dispatcher(
            store,
            deliverer,
            requests,
            new RecordOutcome(new RetryPolicy(), new Ids(), keepEnded, DeliveryHook.NONE),
            queues,
            flow,
            clock,
            options,
            metrics);
    queues.bind(d::notifyDue);
    flow.bind(d::wakeUp);
    return d;
  }
}
