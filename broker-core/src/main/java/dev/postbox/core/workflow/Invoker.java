package dev.postbox.core.workflow;

import dev.postbox.core.message.Headers;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The run that started another with {@code context.invoke} (docs/workflow.md), as its invoke
 * request described it: when the invoked run ends, an Invoke step with the outcome is appended to
 * this run and sent to its URL with these headers.
 *
 * @param url the invoking run's workflow URL
 * @param runId the invoking run's id
 * @param createdAt the invoking run's creation time, epoch ms (0 when not given)
 * @param headers the headers the invoking run's next step is published with
 * @param step the Invoke step as a JSON object ({@code stepId}, {@code stepName}, {@code stepType},
 *     {@code concurrent}, ...), without its {@code out}
 */
public record Invoker(
    String url, String runId, long createdAt, Map<String, List<String>> headers, String step) {
  public Invoker {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(step, "step");
    headers = Headers.copyOf(headers);
  }
}
