package dev.postbox.core.time;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The clock of test mode (docs/testing.md): the real clock plus an offset that only grows, so a
 * test moves time forward by hours at once while a real second still passes as a second on top. It
 * never goes backwards, even when the real clock does. Whoever sleeps until a time read from it
 * (the dispatcher, the schedule timer) registers with {@link #onAdvance} to be woken when it jumps.
 * Thread-safe.
 */
public final class AdvanceableClock implements Clock {
  private final Clock real;
  private final AtomicLong offset = new AtomicLong();
  private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
  private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();

  public AdvanceableClock(Clock real) {
    this.real = real;
  }

  @Override
  public long millis() {
    long v = real.millis() + offset.get();
    return last.accumulateAndGet(v, Math::max);
  }

  /** How far ahead of the real clock this clock is (ms). */
  public long offsetMillis() {
    return offset.get();
  }

  /**
   * Moves the clock forward by {@code byMillis} and tells each listener the new time.
   *
   * @throws IllegalArgumentException when {@code byMillis} is negative
   */
  public long advance(long byMillis) {
    if (byMillis < 0) {
      throw new IllegalArgumentException("the clock only moves forward, not by " + byMillis + "ms");
    }
    offset.addAndGet(byMillis);
    long now = millis();
    for (LongConsumer l : listeners) {
      l.accept(now);
    }
    return now;
  }

  /** Moves the clock forward to {@code epochMillis}, if it is not there yet; returns the time. */
  public long advanceTo(long epochMillis) {
    long now = millis();
    return epochMillis > now ? advance(epochMillis - now) : now;
  }

  /** Called with the new time after each advance, on the advancing thread; must not block. */
  public void onAdvance(LongConsumer listener) {
    listeners.add(listener);
  }
}
