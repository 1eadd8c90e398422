package com.example.broker.core.delivery;

import java.util.concurrent.CompletableFuture;

/**
 * Sends prepared requests to destinations.
 *
 * <p>Contract: {@link #deliver} does not block; the returned future completes exactly once, never
 * exceptionally — transport failures and timeouts complete it with {@link
 * DeliveryResponse#transportFailure}. Safe to call from any thread.
 */
public interface Deliverer extends AutoCloseable {
  CompletableFuture<DeliveryResponse> deliver(DeliveryRequest request);

  @Override
  default void close() {}
}
