package dev.postbox.core.queue;

/** Names one tenant's queue. */
public record QueueRef(String tenant, String name) {}
