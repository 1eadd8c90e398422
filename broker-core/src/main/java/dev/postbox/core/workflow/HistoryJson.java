package dev.postbox.core.workflow;

import dev.postbox.core.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A run's history as the SDK reads it (delivery bodies and {@code GET /v2/workflows/runs/{id}}): a
 * JSON array of {@code {"messageId", "body": base64, "callType"}}.
 */
public final class HistoryJson {
  private HistoryJson() {}

  public static byte[] encode(List<HistoryEntry> entries) {
    StringBuilder sb = new StringBuilder(64 + 96 * entries.size()).append('[');
    for (int i = 0; i < entries.size(); i++) {
      HistoryEntry e = entries.get(i);
      if (i > 0) {
        sb.append(',');
      }
      sb.append(
          new JsonWriter()
              .beginObject()
              .field("messageId", e.messageId())
              .field("body", Base64.getEncoder().encodeToString(e.body()))
              .field("callType", e.callType())
              .endObject());
    }
    return sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The body of the first entry of a history as {@link #encode} writes it, or null. */
  static byte[] firstBody(byte[] history) {
    try {
      if (JsonValues.parse(new String(history, StandardCharsets.UTF_8)) instanceof List<?> l
          && !l.isEmpty()
          && l.get(0) instanceof Map<?, ?> first
          && first.get("body") instanceof String b64) {
        return Base64.getDecoder().decode(b64);
      }
    } catch (RuntimeException e) { // not such a history
    }
    return null;
  }
}
