package com.example.broker.core.testing;

import com.example.broker.core.delivery.Deliverer;
import com.example.broker.core.delivery.DeliveryResponse;
import com.example.broker.core.delivery.Dispatcher;
import com.example.broker.core.delivery.OutgoingRequests;
import com.example.broker.core.delivery.RecordOutcome;
import com.example.broker.core.delivery.RetryPolicy;
import com.example.broker.core.flow.FlowControlService;
import com.example.broker.core.keys.KeyService;
import com.example.broker.core.message.Ids;
import com.example.broker.core.publish.PublishService;
import com.example.broker.core.queue.QueueService;
import com.example.broker.core.store.MessageStore;
import com.example.broker.core.store.StorageQuota;
import com.example.broker.core.tenant.SigningKeys;
import com.example.broker.core.tenant.Tenant;
import com.example.broker.core.tenant.Tenants;
import com.example.broker.core.time.Clock;
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
            new RecordOutcome(new RetryPolicy(), new Ids()),
            queues,
            flow,
            clock,
            options);
    queues.bind(d::notifyDue);
    flow.bind(d::wakeUp);
    return d;
  }
}
