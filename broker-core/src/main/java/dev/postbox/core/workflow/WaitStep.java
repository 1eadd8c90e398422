package dev.postbox.core.workflow;

import java.util.Objects;

/**
 * The step a run waits in, as the SDK describes it when it registers the wait: the Wait (or
 * WaitForWebhook) step that the run's history gets once the event comes or the wait times out.
 *
 * @param stepId the step's id in the run
 * @param stepName its name
 * @param stepType {@code Wait} or {@code WaitForWebhook}
 * @param concurrent how many steps run beside it (1 outside a parallel block)
 * @param targetStep the plan step it answers, or null
 * @param timeout the timeout as the SDK gave it (e.g. {@code "7d"}), echoed in the step
 */
public record WaitStep(
    int stepId,
    String stepName,
    String stepType,
    int concurrent,
    Integer targetStep,
    String timeout) {
  public WaitStep {
    Objects.requireNonNull(stepName, "stepName");
    Objects.requireNonNull(stepType, "stepType");
    Objects.requireNonNull(timeout, "timeout");
  }
}
