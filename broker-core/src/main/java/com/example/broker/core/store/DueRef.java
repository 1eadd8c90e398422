package com.example.broker.core.store;

import com.example.broker.core.message.MessageRef;

/** An entry of the due index: the message {@code ref} is due at {@code dueAt}. */
public record DueRef(long dueAt, MessageRef ref) {}
