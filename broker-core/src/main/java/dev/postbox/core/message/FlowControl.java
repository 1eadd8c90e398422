package dev.postbox.core.message;

/**
 * Flow-control declaration of a message ({@code Upstash-Flow-Control-Key/-Value}).
 *
 * @param key the flow-control key shared by the messages it limits
 * @param parallelism max concurrent deliveries, or null when not set
 * @param rate max deliveries started per period, or null when not set
 * @param periodSeconds the rate window in seconds (default 1)
 */
public record FlowControl(String key, Integer parallelism, Integer rate, long periodSeconds) {}
