package dev.postbox.core.store;

/** How durable a commit must be before its future completes. */
public enum Durability {
  /** On disk (write-ahead log synced): required for anything a client was told is accepted. */
  SYNC,
  /**
   * Applied, but possibly lost in a crash. For delivery outcomes: at-least-once tolerates a
   * redelivery after a crash.
   */
  ASYNC
}
