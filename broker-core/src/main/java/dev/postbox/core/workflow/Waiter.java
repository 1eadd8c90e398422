package dev.postbox.core.workflow;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run waiting for an event (docs/workflow.md#waiting-for-events): stored when the SDK calls
 * {@code POST /v2/wait/{eventId}}, removed when a notify wakes it, its deadline passes or its run
 * ends. Each of those is one atomic write.
 *
 * @param tenant owning tenant id
 * @param runId the waiting run
 * @param eventId the event it waits for
 * @param step the step that gets the event
 * @param createdAt when the wait was registered, epoch ms
 * @param deadline when it times out, epoch ms
 * @param url where a notified step goes
 * @param headers the publish headers of a notified step (the wait request's own)
 * @param timeoutUrl where a timed-out step goes
 * @param timeoutBody the body the SDK gave for a timeout, or null (only listed back)
 * @param timeoutHeaders the publish headers of a timed-out step
 */
public record Waiter(
    String tenant,
    String runId,
    String eventId,
    WaitStep step,
    long createdAt,
    long deadline,
    String url,
    Map<String, List<String>> headers,
    String timeoutUrl,
    byte[] timeoutBody,
    Map<String, List<String>> timeoutHeaders) {
  public Waiter {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(timeoutUrl, "timeoutUrl");
    headers = copy(headers);
    timeoutHeaders = copy(timeoutHeaders);
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> h) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (h != null) {
      h.forEach((k, v) -> out.put(k, List.copyOf(v)));
    }
    return Collections.unmodifiableMap(out);
  }

  /** Two waiters are the same wait when they are of the same run, event and step. */
  boolean sameWait(Waiter o) {
    return tenant.equals(o.tenant)
        && runId.equals(o.runId)
        && eventId.equals(o.eventId)
        && step.stepId() == o.step.stepId();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Waiter w
        && sameWait(w)
        && step.equals(w.step)
        && createdAt == w.createdAt
        && deadline == w.deadline
        && url.equals(w.url)
        && headers.equals(w.headers)
        && timeoutUrl.equals(w.timeoutUrl)
        && Arrays.equals(timeoutBody, w.timeoutBody)
        && timeoutHeaders.equals(w.timeoutHeaders);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tenant, runId, eventId, step.stepId(), deadline);
  }
}
