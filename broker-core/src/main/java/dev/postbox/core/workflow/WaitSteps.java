package dev.postbox.core.workflow;

import dev.postbox.core.json.JsonWriter;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.MessageFactory;
import dev.postbox.core.publish.PublishHeaders;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.publish.PublishOptions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The step a waiter becomes when it is woken or times out: a step message of its run, as if the SDK
 * had published it with the headers it registered the wait with, whose body (and history entry) is
 * the Wait step with {@code out} (the event data, base64) and {@code waitTimeout}. That is what the
 * SDK's {@code waitForEvent} and {@code waitForWebhook} read back.
 */
final class WaitSteps {
  private WaitSteps() {}

  /** The step's JSON: {@code data} null for a timeout (no {@code out}, waitTimeout true). */
  static byte[] stepJson(Waiter w, byte[] data) {
    WaitStep s = w.step();
    JsonWriter j =
        new JsonWriter()
            .beginObject()
            .field("stepId", s.stepId())
            .field("stepName", s.stepName())
            .field("stepType", s.stepType())
            .field("waitEventId", w.eventId())
            .field("timeout", s.timeout())
            .field("concurrent", s.concurrent());
    if (s.targetStep() != null) {
      j.field("targetStep", s.targetStep());
    }
    if (data != null) {
      j.field("out", Base64.getEncoder().encodeToString(data));
    }
    return j.field("waitTimeout", data == null).endObject().toBytes();
  }

  /**
   * The message of a woken ({@code data} not null) or timed-out waiter, not yet bound to its run:
   * to {@code url} with the wait's headers, or to {@code timeoutUrl} with its timeout headers.
   */
  static Message message(Waiter w, byte[] data, PublishLimits limits, long now) {
    boolean timeout = data == null;
    Map<String, List<String>> headers = timeout ? w.timeoutHeaders() : w.headers();
    PublishOptions o = PublishHeaders.parse(headers, now, limits);
    String url = timeout ? w.timeoutUrl() : w.url();
    return MessageFactory.create(w.tenant(), url, stepJson(w, data), o, null, now);
  }

  /** The workflow headers of a waiter's step: always a step of the waiter's own run. */
  static WorkflowHeaders headers(Waiter w, boolean timeout) {
    WorkflowHeaders h = WorkflowHeaders.parse(timeout ? w.timeoutHeaders() : w.headers());
    return new WorkflowHeaders(
        w.runId(), false, h == null ? null : h.url(), WorkflowHeaders.STEP, features(h));
  }

  private static Set<String> features(WorkflowHeaders h) {
    return h == null ? Set.of() : h.features();
  }
}
