package dev.postbox.core.delivery;

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

  /**
   * How long the deliverer's own threads have been behind (nanoseconds; 0 when keeping up): work
   * handed to them waits that long before it runs, and so do the answers of requests already sent.
   * While this is high (and for a second after), the dispatcher gives each host fewer deliveries in
   * flight, so that a broker that has fallen behind (CPU taken by other processes, its JIT
   * compilers) does not keep many requests out whose answers it then cannot read: each such answer
   * is a delivery a crash would repeat.
   */
  default long lagNanos() {
    return 0;
  }

  @Override
  default void close() {}
}
