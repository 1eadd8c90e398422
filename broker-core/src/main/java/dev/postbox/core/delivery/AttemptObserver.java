package dev.postbox.core.delivery;

import dev.postbox.core.message.Message;

/**
 * Sees each delivery attempt as it ends: the message, the request as it was sent and the answer.
 * Test mode records them (docs/testing.md); otherwise nothing is installed. Called on the
 * deliverer's threads, possibly an event loop: must not block.
 */
@FunctionalInterface
public interface AttemptObserver {
  /** Sees nothing. */
  AttemptObserver NONE = (m, request, response, endedAt) -> {};

  /**
   * @param request the request sent, or null when none could be prepared
   * @param endedAt when the attempt ended (the broker's clock)
   */
  void attempted(Message m, DeliveryRequest request, DeliveryResponse response, long endedAt);
}
