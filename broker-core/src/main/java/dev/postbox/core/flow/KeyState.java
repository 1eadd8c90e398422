package dev.postbox.core.flow;

/**
 * One flow-control key in memory: its configuration and its counters (in flight, the starts of the
 * rate window, the dispatcher's waitlist). Guarded by itself: every method runs under its lock.
 */
final class KeyState {
  FlowKey config;
  boolean stored; // the configuration is in the store as it is here
  int inFlight;
  final StartLog starts = new StartLog();
  long periodReset;
  int waiting;
  long lastUsed;
  boolean evicted; // let go: no longer in the table, must not be changed

  KeyState(FlowKey config, boolean stored, long now) {
    this.config = config;
    this.stored = stored;
    this.lastUsed = now;
  }

  /** Whether an attempt may start at {@code now}; if so it is counted (in flight, and started). */
  synchronized boolean tryStart(long now) {
    FlowKey c = config;
    if (c.paused()) {
      return false;
    }
    if (c.parallelismMax() > 0 && inFlight >= c.parallelismMax()) {
      return false;
    }
    if (c.rateMax() > 0) {
      slide(now);
      if (starts.size() >= c.rateMax()) {
        return false;
      }
      starts.add(now);
    }
    inFlight++;
    return true;
  }

  /** The attempt counted at {@code claimedAt} was sent at {@code sentAt}: its start counts then. */
  synchronized void restamp(long claimedAt, long sentAt) {
    if (config.rateMax() > 0) {
      starts.restamp(claimedAt, sentAt);
    }
  }

  /** An attempt counted by {@link #tryStart} did not start after all. */
  synchronized void undoStart() {
    inFlight = Math.max(0, inFlight - 1);
    if (config.rateMax() > 0) {
      starts.removeNewest();
    }
  }

  /** An attempt ended: its parallelism slot is free. */
  synchronized void finished() {
    inFlight = Math.max(0, inFlight - 1);
  }

  /**
   * When the key, blocked now, may start again by itself: the end of its rate period, or {@code
   * Long.MAX_VALUE} when only a finished attempt or an API call can unblock it; {@code now} when
   * nothing holds it back.
   */
  synchronized long reopensAt(long now) {
    if (evicted) {
      return now;
    }
    FlowKey c = config;
    if (c.paused() || (c.parallelismMax() > 0 && inFlight >= c.parallelismMax())) {
      return Long.MAX_VALUE;
    }
    if (c.rateMax() > 0) {
      slide(now);
      if (starts.size() >= c.rateMax()) {
        // The start that frees a place is the one rateMax places back: it leaves the window.
        return starts.oldest() + periodMillis(c);
      }
    }
    return now;
  }

  /** Starts a new rate period at {@code now} with nothing started in it. */
  synchronized void resetRate(long now) {
    starts.clear();
    periodReset = now;
  }

  /**
   * Forgets starts older than one period (and, when the limit was lowered, all but the newest
   * {@code rateMax}): what remains is this period's count.
   */
  synchronized void slide(long now) {
    starts.dropUpTo(now - periodMillis(config));
    starts.keepNewest(Math.max(0, config.rateMax()));
  }

  /**
   * Whether the key can be read back from the store later without losing anything: stored, nothing
   * in flight or waiting, unused for {@code graceMillis}, and nothing started or reset this period.
   */
  synchronized boolean idle(long now, long graceMillis) {
    if (!stored || inFlight > 0 || waiting > 0 || now - lastUsed < graceMillis) {
      return false;
    }
    if (periodReset > now - periodMillis(config)) {
      return false; // a reset this period shows in the period's start
    }
    slide(now);
    return starts.size() == 0;
  }

  /**
   * The key as the API shows it. The window slides, so {@code rateCount} is the starts of the last
   * period and the period "started" at the oldest of them (or at the last reset, or now).
   */
  synchronized FlowControlService.View view(long now) {
    slide(now);
    long periodStart =
        starts.size() > 0 ? starts.oldest() : Math.max(periodReset, now - periodMillis(config));
    return new FlowControlService.View(config, waiting, inFlight, starts.size(), periodStart);
  }

  static long periodMillis(FlowKey c) {
    return Math.max(1, c.ratePeriodSeconds()) * 1000;
  }
}
