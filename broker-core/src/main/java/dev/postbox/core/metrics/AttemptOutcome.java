package dev.postbox.core.metrics;

import java.util.Locale;

/** How one delivery attempt ended, as far as the message is concerned. */
public enum AttemptOutcome {
  /** The destination accepted it: the message is delivered. */
  DELIVERED,
  /** It failed and a retry is scheduled. */
  RETRY,
  /** It failed with no retry left: the message moved to the DLQ. */
  DLQ,
  /** It failed while a cancel was pending: the message ended cancelled, with no retry. */
  CANCELED;

  /** The lower-case name, as a metric label shows it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
