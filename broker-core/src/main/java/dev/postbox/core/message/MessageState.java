package dev.postbox.core.message;

import java.util.Locale;

/**
 * The states a message passes through, as they appear in logs.
 *
 * <pre>
 *  publish ──▶ CREATED ──▶ ACTIVE ──2xx──▶ DELIVERED
 *                 ▲           │
 *                 │           └─fail─▶ ERROR ──retries left──▶ RETRY ──(due)──▶ ACTIVE …
 *                 │                      └──exhausted / 489──▶ FAILED ──▶ DLQ
 *  cancel ─▶ CANCEL_REQUESTED ─▶ CANCELED
 * </pre>
 */
public enum MessageState {
  CREATED,
  ACTIVE,
  RETRY,
  ERROR,
  DELIVERED,
  FAILED,
  CANCEL_REQUESTED,
  CANCELED;

  /** Parses a state filter; accepts the docs' spelling CANCELLED too. */
  public static MessageState parse(String s) {
    String u = s.trim().toUpperCase(Locale.ROOT);
    if (u.equals("CANCELLED")) {
      return CANCELED;
    }
    return MessageState.valueOf(u);
  }
}
