package dev.postbox.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling: integration tests wait for conditions, never for fixed times. */
final class Poll {
  private Poll() {}

  static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
    if (!condition.getAsBoolean()) {
      throw new AssertionError("timed out after " + timeout + " waiting for " + what);
    }
  }
}
