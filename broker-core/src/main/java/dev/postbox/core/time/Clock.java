package dev.postbox.core.time;

/**
 * The broker's only source of time. Everything that waits (delays, retries, retention) reads it, so
 * tests drive time with a settable clock instead of sleeping.
 */
@FunctionalInterface
public interface Clock {
  /** Milliseconds since the Unix epoch. */
  long millis();
}
