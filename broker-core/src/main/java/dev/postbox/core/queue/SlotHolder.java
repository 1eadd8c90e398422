package dev.postbox.core.queue;

/**
 * A message that holds one of its queue's slots. The slot is named by {@code token}, the id of the
 * queued message that took it; that message's callbacks hold the same slot until they end too, so
 * the queue moves on only when the message and all its callbacks are final.
 */
public record SlotHolder(String tenant, String queue, String holderId, String token) {}
