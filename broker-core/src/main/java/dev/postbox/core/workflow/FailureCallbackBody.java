package dev.postbox.core.workflow;

import dev.postbox.core.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The body of a run's failure callback as the SDK's failure function reads it (docs/workflow.md):
 * the failure callback of the failed step (docs/api.md#callbacks) with {@code sourceBody} set to
 * the run's initial payload, which the SDK hands to the failure function as {@code
 * context.requestPayload}, and with {@code workflowRunId} and {@code workflowCreatedAt} added.
 */
final class FailureCallbackBody {
  private static final String SOURCE_BODY = "\"sourceBody\":\"";

  private FailureCallbackBody() {}

  /**
   * Rewrites a failure callback body as written by the delivery's callback payload: a flat object
   * whose {@code sourceBody} is a base64 string. The key is found as written, unescaped, so text
   * inside another field (whose quotes are escaped) cannot match it. A body of another shape is
   * returned unchanged.
   */
  static byte[] of(byte[] payload, String runId, long createdAt, byte[] initialPayload) {
    String s = new String(payload, StandardCharsets.UTF_8);
    int key = s.indexOf(SOURCE_BODY);
    int close = s.lastIndexOf('}');
    if (key < 0 || close < 0) {
      return payload;
    }
    int start = key + SOURCE_BODY.length();
    int end = s.indexOf('"', start);
    if (end < 0 || end > close) {
      return payload;
    }
    String fields =
        new JsonWriter()
            .beginObject()
            .field("workflowRunId", runId)
            .field("workflowCreatedAt", createdAt)
            .endObject()
            .toString();
    String out =
        s.substring(0, start)
            + Base64.getEncoder().encodeToString(initialPayload)
            + s.substring(end, close)
            + ","
            + fields.substring(1, fields.length() - 1)
            + s.substring(close);
    return out.getBytes(StandardCharsets.UTF_8);
  }
}
