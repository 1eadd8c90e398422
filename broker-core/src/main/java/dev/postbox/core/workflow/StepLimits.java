package dev.postbox.core.workflow;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import java.util.List;
import java.util.Map;

/**
 * The limits a message of a workflow run is refused with 412 for (docs/workflow.md, "Limits on
 * steps"): a step, {@code context.call} or server trigger that asks for more retries than the
 * server allows. The SDK turns a 412 into a non-retryable failure of the step, so the run fails at
 * once with a clear error, as it does with QStash's plan limits; a 400 would have the workflow
 * endpoint retried for nothing. A value that is not a number stays a 400, from the publish headers'
 * own checks.
 */
public final class StepLimits {
  private StepLimits() {}

  /**
   * Refuses a workflow run's message (its headers carry a run id) whose {@code Upstash-Retries} is
   * a number above {@code maxRetries}; any other request passes.
   */
  public static void check(Map<String, List<String>> headers, int maxRetries) {
    if (WorkflowHeaders.first(headers, WorkflowHeaders.RUN_ID) != null) {
      checkRetries(headers, maxRetries);
    }
  }

  /**
   * Refuses a request that starts a run ({@code POST /v2/trigger}) or carries a step of one whose
   * {@code Upstash-Retries} is a number above {@code maxRetries}.
   */
  public static void checkRetries(Map<String, List<String>> headers, int maxRetries) {
    String v = WorkflowHeaders.first(headers, "Upstash-Retries");
    if (v == null) {
      return;
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return;
    }
    if (n > maxRetries) {
      throw new BrokerException(
          ErrorCode.LIMIT_EXCEEDED,
          "Upstash-Retries "
              + n
              + " is above the most retries a message may ask for, "
              + maxRetries
              + " (docs/api.md#limits)");
    }
  }
}
