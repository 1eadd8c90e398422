package dev.postbox.core.message;

/**
 * Why a message exists: published by a client, or produced by the broker as a (failure) callback.
 */
public enum MessageKind {
  MESSAGE,
  CALLBACK,
  FAILURE_CALLBACK
}
