package dev.postbox.core.workflow;

import java.util.List;
import java.util.Map;

/**
 * What the SDK asks for with {@code POST /v2/wait/{eventId}} (its body; the run comes from the
 * request's workflow headers).
 *
 * @param url where the step goes when the event comes
 * @param timeout how long to wait, a duration such as {@code "2s"} or {@code "7d"}
 * @param timeoutUrl where the step goes on timeout; null for {@code url}
 * @param timeoutBody kept and listed back, not sent (the delivery's body is the run's history)
 * @param timeoutHeaders the publish headers of the timed-out step; null for the request's headers
 * @param step the step that waits
 */
public record WaitRequest(
    String url,
    String timeout,
    String timeoutUrl,
    byte[] timeoutBody,
    Map<String, List<String>> timeoutHeaders,
    WaitStep step) {}
