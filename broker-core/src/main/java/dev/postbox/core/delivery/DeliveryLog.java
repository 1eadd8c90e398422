package dev.postbox.core.delivery;

import dev.postbox.core.message.Message;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * What an operator reads of delivery outcomes: each failed attempt and each move to the DLQ at
 * INFO, each delivery at DEBUG. Each line says what happened in words and carries the same facts as
 * key-value pairs (the JSON log format's {@code kvpList}). Nothing is built when the level is off:
 * a delivery costs one level check.
 */
final class DeliveryLog {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);

  private DeliveryLog() {}

  static void delivered(Message m, DeliveryResponse r) {
    if (LOG.isDebugEnabled()) {
      about(LOG.atDebug(), "delivered", m)
          .addKeyValue("status", r.status())
          .addKeyValue("attempt", m.retried() + 1)
          .log(
              "delivered message {} of tenant {} to {}: status {}",
              m.id(),
              m.tenant(),
              m.url(),
              r.status());
    }
  }

  /**
   * A failed attempt.
   *
   * @param nextDueAt when the next attempt is due, or -1 when there is none
   * @param end why there is no next attempt ({@code moved to the DLQ}, {@code cancelled}), or null
   */
  static void failed(Message m, DeliveryResponse r, long nextDueAt, String end) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    String failure = r.error() != null ? r.error() : "status " + r.status();
    String next = nextDueAt >= 0 ? "next attempt at " + Instant.ofEpochMilli(nextDueAt) : end;
    LoggingEventBuilder e = about(LOG.atInfo(), "attempt_failed", m);
    if (r.status() != 0) {
      e.addKeyValue("status", r.status());
    }
    if (r.error() != null) {
      e.addKeyValue("error", r.error());
    }
    e.addKeyValue("attempt", m.retried() + 1).addKeyValue("retries", m.maxRetries());
    if (nextDueAt >= 0) {
      e.addKeyValue("nextAttemptAt", Instant.ofEpochMilli(nextDueAt).toString());
    }
    e.log(
        "delivery attempt {} of {} failed: message {} of tenant {} to {}: {}; {}",
        m.retried() + 1,
        m.maxRetries() + 1,
        m.id(),
        m.tenant(),
        m.url(),
        failure,
        next);
  }

  static void movedToDlq(Message m, String dlqId) {
    if (LOG.isInfoEnabled()) {
      about(LOG.atInfo(), "moved_to_dlq", m)
          .addKeyValue("dlqId", dlqId)
          .log(
              "message {} of tenant {} to {} moved to the DLQ as {}",
              m.id(),
              m.tenant(),
              m.url(),
              dlqId);
    }
  }

  private static LoggingEventBuilder about(LoggingEventBuilder e, String event, Message m) {
    return e.addKeyValue("event", event)
        .addKeyValue("messageId", m.id())
        .addKeyValue("tenant", m.tenant())
        .addKeyValue("url", m.url());
  }
}
