package dev.postbox.http.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code GET /ready} reports: ready when storage is open, the schedule timer runs and the
 * server is not draining.
 *
 * @param storageOpen the store is open
 * @param scheduleTimerRunning the schedule timer is started and not shut down
 * @param draining the broker is shutting down
 */
public record Readiness(boolean storageOpen, boolean scheduleTimerRunning, boolean draining) {
  /** READY, or why not: DRAINING, or NOT_READY when a part is down. */
  public String status() {
    if (draining) {
      return "DRAINING";
    }
    return ready() ? "READY" : "NOT_READY";
  }

  public boolean ready() {
    return storageOpen && scheduleTimerRunning && !draining;
  }

  /** The first reason it is not ready, or null. */
  public String error() {
    if (draining) {
      return "shutting down";
    }
    if (!storageOpen) {
      return "storage is closed";
    }
    if (!scheduleTimerRunning) {
      return "schedule timer is not running";
    }
    return null;
  }

  /** The JSON fields of the answer, in order. */
  Map<String, Object> fields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("status", status());
    f.put("storage", storageOpen ? "open" : "closed");
    f.put("scheduleTimer", scheduleTimerRunning ? "running" : "stopped");
    f.put("draining", draining);
    String error = error();
    if (error != null) {
      f.put("error", error);
    }
    return f;
  }

  /**
   * {@link #fields()} as JSON, written out: what Jackson writes for them (every value is a fixed
   * word or a boolean), without loading Jackson for a readiness probe.
   */
  String json() {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, Object> e : fields().entrySet()) {
      sb.append(sb.length() == 1 ? "\"" : ",\"").append(e.getKey()).append("\":");
      if (e.getValue() instanceof Boolean b) {
        sb.append(b);
      } else {
        sb.append('"').append(e.getValue()).append('"');
      }
    }
    return sb.append('}').toString();
  }
}
