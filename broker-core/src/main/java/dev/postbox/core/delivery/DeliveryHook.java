package dev.postbox.core.delivery;

import dev.postbox.core.message.Message;
import dev.postbox.core.store.StoreBatch;

/**
 * Lets a feature built on messages (workflow runs) shape what is sent and add to what an outcome
 * records, without the dispatcher knowing it.
 */
public interface DeliveryHook {
  /** Does nothing. */
  DeliveryHook NONE = new DeliveryHook() {};

  /** How an attempt's outcome is recorded. */
  enum Outcome {
    DELIVERED,
    RETRY,
    FAILED,
    CANCELED
  }

  /**
   * The message as it is to be sent (body and headers; the request is signed after this). Called on
   * the dispatch or send threads, never on an event loop: it may do bounded blocking reads.
   */
  default Message beforeSend(Message m) {
    return m;
  }

  /**
   * The callback message an attempt of {@code source} makes ({@code Upstash-Callback}), as it is to
   * be stored, or null to make none; may add changes to the batch that records the attempt
   * (committed atomically with it). {@code lastAttempt}: the attempt succeeded, or no retry follows
   * it. Called on the deliverer's threads, possibly an event loop: must not block.
   */
  default Message callback(
      Message source, Message callback, boolean lastAttempt, StoreBatch batch, long now) {
    return callback;
  }

  /**
   * Adds changes to the batch that records an attempt's outcome (committed atomically with it).
   * Called on the deliverer's threads, possibly an event loop: must not block.
   */
  default void afterOutcome(
      Message m, DeliveryResponse r, Outcome outcome, StoreBatch batch, long now) {}

  /**
   * The batch of an outcome ({@link #callback}, {@link #afterOutcome}) is on disk ({@code
   * written}), or will never be. Called once per outcome, possibly on the store's thread: must not
   * block.
   */
  default void recorded(StoreBatch batch, boolean written) {}
}
