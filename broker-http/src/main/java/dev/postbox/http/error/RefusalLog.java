package dev.postbox.http.error;

import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Rate limit for the log lines of expected refusals: at most one line per error code per window,
 * however many requests are refused (a full store refuses every publish). Thread-safe and
 * lock-free; the count of suppressed refusals may be off by the few that race with a logged one.
 */
final class RefusalLog {
  /** Answer of {@link #admit} when this refusal is not to be logged. */
  static final long SUPPRESS = -1;

  private final Clock clock;
  private final long windowMillis;
  private final Slot[] slots = new Slot[ErrorCode.values().length];

  private static final class Slot {
    final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
    final LongAdder suppressed = new LongAdder();
  }

  RefusalLog(Clock clock, long windowMillis) {
    this.clock = clock;
    this.windowMillis = windowMillis;
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new Slot();
    }
  }

  long windowMillis() {
    return windowMillis;
  }

  /**
   * Counts one refusal with {@code code}.
   *
   * @return {@link #SUPPRESS} when it is not to be logged; otherwise how many refusals with that
   *     code were suppressed since the last one logged
   */
  long admit(ErrorCode code) {
    Slot s = slots[code.ordinal()];
    long now = clock.millis();
    long next = s.nextAt.get();
    if (now < next || !s.nextAt.compareAndSet(next, now + windowMillis)) {
      s.suppressed.increment();
      return SUPPRESS;
    }
    return s.suppressed.sumThenReset();
  }
}
