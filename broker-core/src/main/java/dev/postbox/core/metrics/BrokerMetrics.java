package dev.postbox.core.metrics;

/**
 * What the broker tells its metrics, as it happens: a port, so the core names no metrics library
 * (the Micrometer adapter lives in broker-app). Every method is called on a hot path (a publish, a
 * delivery outcome, a storage write) and must be cheap and never throw. Figures that are states
 * rather than events (messages in flight, queue lengths, storage size) are read by the adapter when
 * it is scraped, not pushed through here.
 */
public interface BrokerMetrics {
  /** Counts nothing: for tests and for wiring without metrics. */
  BrokerMetrics NONE = new BrokerMetrics() {};

  /** {@code tenant} published one message (its synced write completed). */
  default void published(String tenant) {}

  /**
   * A delivery attempt ended with {@code outcome}, {@code nanos} after its request was handed to
   * the HTTP client.
   */
  default void attempt(AttemptOutcome outcome, long nanos) {}

  /** The schedule timer fired a tick for one schedule. */
  default void scheduleTick() {}

  /** The store wrote one group of {@code submissions} commits in a single storage write. */
  default void commitGroup(int submissions) {}

  /** One WAL sync, covering {@code submissions} synced commits, took {@code nanos}. */
  default void walSync(int submissions, long nanos) {}
}
