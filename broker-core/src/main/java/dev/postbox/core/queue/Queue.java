package dev.postbox.core.queue;

/**
 * A FIFO queue (see docs/api.md#queues): at most {@code parallelism} of its messages are active
 * (due, in flight or waiting for a retry or their callbacks) at once; the others wait in enqueue
 * order.
 */
public record Queue(
    String tenant, String name, long createdAt, long updatedAt, int parallelism, boolean paused) {

  public Queue withSettings(int parallelism, boolean paused, long now) {
    return new Queue(tenant, name, createdAt, now, parallelism, paused);
  }

  public QueueRef ref() {
    return new QueueRef(tenant, name);
  }
}
