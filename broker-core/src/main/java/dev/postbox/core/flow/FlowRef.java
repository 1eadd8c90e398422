package dev.postbox.core.flow;

/** Names one tenant's flow-control key. */
public record FlowRef(String tenant, String key) {}
