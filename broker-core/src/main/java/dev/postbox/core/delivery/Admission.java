package dev.postbox.core.delivery;

/** What became of a due message in a pass. */
enum Admission {
  /** Claimed and handed to be sent. */
  STARTED,
  /** Waits in memory at the gate that stopped it (its host's slots or its flow-control key). */
  PARKED,
  /** Its gate's queue was full, or messages before it were passed by: read again later. */
  SKIPPED,
  /** Cancelled meanwhile: its due entry is dropped. */
  DROPPED
}
