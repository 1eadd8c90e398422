package dev.postbox.core.queue;

/**
 * A message waiting in its queue for a free slot. {@code seq} is its place in the queue, assigned
 * by the store in commit order, so enqueue order is the order of the writes.
 */
public record WaitingEntry(String tenant, String queue, long seq, String messageId, long dueAt) {}
