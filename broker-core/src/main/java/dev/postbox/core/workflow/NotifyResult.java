package dev.postbox.core.workflow;

/**
 * One waiter a notify woke.
 *
 * @param waiter the waiter as it was registered
 * @param messageId the step message that carries the event to the run
 */
public record NotifyResult(Waiter waiter, String messageId) {}
