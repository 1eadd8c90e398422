package dev.postbox.core.workflow;

import java.util.Arrays;
import java.util.Objects;

/**
 * An event notified to a run that did not wait for it yet ({@code POST
 * /v2/notify/{runId}/{eventId}}, or a call of a webhook URL): kept until the run waits for it,
 * which then gets it at once, or until the run ends. One per run and event id; a later notify
 * replaces it.
 *
 * @param tenant owning tenant id
 * @param runId the run it is for
 * @param eventId the event
 * @param data the event data, as notified
 * @param createdAt when it was notified, epoch ms
 */
public record WaitEvent(String tenant, String runId, String eventId, byte[] data, long createdAt) {
  public WaitEvent {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(eventId, "eventId");
    data = data == null ? new byte[0] : data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WaitEvent e
        && tenant.equals(e.tenant)
        && runId.equals(e.runId)
        && eventId.equals(e.eventId)
        && Arrays.equals(data, e.data)
        && createdAt == e.createdAt;
  }

  @Override
  public int hashCode() {
    return Objects.hash(tenant, runId, eventId, createdAt);
  }
}
