package dev.postbox.core.delivery;

import dev.postbox.core.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How the dispatch thread sleeps and is woken. Any thread may report that a message became due
 * ({@link #notifyDue}) or that a slot was freed ({@link #wake}); the dispatch thread takes the
 * earliest reported due time at the start of each pass and sleeps on a timer in between.
 */
final class Wakeup {
  private static final long NONE = Long.MAX_VALUE;

  private final Clock clock;
  // Earliest due time reported since the last pass took it (NONE: nothing reported).
  private final AtomicLong pendingMin = new AtomicLong(NONE);
  private volatile Thread sleeper;
  // When the dispatch thread is parked on a timer: the time it wakes by itself; 0 while awake.
  private volatile long sleepingUntil;

  Wakeup(Clock clock) {
    this.clock = clock;
  }

  /** The thread that {@link #wake} unparks from now on. */
  void attach(Thread thread) {
    sleeper = thread;
  }

  Thread thread() {
    return sleeper;
  }

  /** A message became due at {@code dueAt}: the next pass looks again from there. */
  void notifyDue(long dueAt) {
    lookAgainFrom(dueAt);
    long until = sleepingUntil;
    if (until == 0 || dueAt < until || dueAt <= clock.millis()) {
      wake(); // a message due later than the timer needs no extra pass (delayed publishes)
    }
  }

  /** The next pass looks again from {@code dueAt}, without waking the thread for it. */
  void lookAgainFrom(long dueAt) {
    pendingMin.accumulateAndGet(dueAt, Math::min);
  }

  void wake() {
    Thread t = sleeper;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** Takes the earliest due time reported since the last call (MAX_VALUE: none). */
  long takePending() {
    return pendingMin.getAndSet(NONE);
  }

  /** Whether a due time was reported that no pass has taken yet. */
  boolean hasPending() {
    return pendingMin.get() != NONE;
  }

  /**
   * Parks the calling thread (the dispatch thread) until {@code wakeAt} or a wake-up, unless a due
   * time before {@code wakeAt} was reported meanwhile or {@code running} has turned false.
   */
  void sleepUntil(long wakeAt, long now, BooleanSupplier running) {
    long waitMillis = wakeAt - now;
    sleepingUntil = wakeAt;
    // Read after publishing sleepingUntil: a notifyDue that saw the old value has woken us.
    if (waitMillis > 0 && running.getAsBoolean() && pendingMin.get() >= wakeAt) {
      LockSupport.parkNanos(this, waitMillis * 1_000_000L);
    }
    sleepingUntil = 0;
  }
}
