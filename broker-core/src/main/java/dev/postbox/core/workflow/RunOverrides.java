package dev.postbox.core.workflow;

import dev.postbox.core.message.FlowControl;

/**
 * What a resume or restart from the DLQ changes in the new run (docs/workflow.md): the {@code
 * Upstash-Retries} and {@code Upstash-Flow-Control-Key/Value} headers of the request. Null keeps
 * the failed run's own setting.
 *
 * @param retries retries of each of the new run's steps, or null
 * @param flowControl the new run's flow-control key and limits, or null
 */
public record RunOverrides(Integer retries, FlowControl flowControl) {
  public static final RunOverrides NONE = new RunOverrides(null, null);
}
