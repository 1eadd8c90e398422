package dev.postbox.core.workflow;

import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Headers;
import java.util.List;
import java.util.Map;

/**
 * What the trigger said that applies to every step of its run when the step message carries the
 * {@code WF_TriggerOnConfig} feature (step messages of SDK 1.x no longer repeat these headers).
 *
 * @param retries retries of each step message
 * @param retryDelay the {@code Upstash-Retry-Delay} expression, or null
 * @param flowControl the flow-control key and limits, or null
 * @param failureCallback the failure URL and its {@code Upstash-Failure-Callback-*} settings, or
 *     null
 * @param forwardHeaders the user's {@code Upstash-Forward-*} headers (prefix stripped)
 * @param label the run's label, or null
 */
public record RunConfig(
    int retries,
    String retryDelay,
    FlowControl flowControl,
    CallbackSpec failureCallback,
    Map<String, List<String>> forwardHeaders,
    String label) {
  public RunConfig {
    forwardHeaders = Headers.copyOf(forwardHeaders);
  }
}
