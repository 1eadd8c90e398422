package dev.postbox.core.publish;

import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Redaction;
import java.util.List;
import java.util.Map;

/**
 * Everything the publish headers (docs/api.md#publishing) say about a message, validated.
 *
 * @param method HTTP method towards the destination, upper case
 * @param notBefore earliest delivery time, epoch ms
 * @param delayMillis the requested delay (0 when none; informative when Not-Before was given)
 * @param retries retries after the first attempt
 * @param retryDelayExpression validated {@code Upstash-Retry-Delay}, or null
 * @param timeoutMillis per-attempt timeout, 0 for the default
 * @param forwardedHeaders headers sent to the destination: Content-Type and Upstash-Forward-*
 * @param callback callback configuration, or null
 * @param failureCallback failure-callback configuration, or null
 * @param labels labels in order
 * @param flowControl flow-control declaration, or null
 * @param redaction fields hidden in API outputs
 * @param deduplicationId {@code Upstash-Deduplication-Id}, or null
 * @param contentBasedDeduplication {@code Upstash-Content-Based-Deduplication}
 * @param queueName {@code Upstash-Queue-Name}, or null
 * @param cron {@code Upstash-Cron} (trimmed), or null
 * @param scheduleId {@code Upstash-Schedule-Id}, or null
 */
public record PublishOptions(
    String method,
    long notBefore,
    long delayMillis,
    int retries,
    String retryDelayExpression,
    long timeoutMillis,
    Map<String, List<String>> forwardedHeaders,
    CallbackSpec callback,
    CallbackSpec failureCallback,
    List<String> labels,
    FlowControl flowControl,
    Redaction redaction,
    String deduplicationId,
    boolean contentBasedDeduplication,
    String queueName,
    String cron,
    String scheduleId) {}
