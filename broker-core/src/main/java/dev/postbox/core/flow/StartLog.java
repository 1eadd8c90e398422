package dev.postbox.core.flow;

/**
 * The start times of a key's recent attempts, oldest first: a growable ring of longs. The rate
 * limit is a sliding window over it (never more than {@code rateMax} starts in any period), so
 * there is no burst at a window boundary. Holds at most {@code rateMax} entries. Not thread-safe.
 */
final class StartLog {
  private long[] times = new long[8];
  private int head;
  private int size;

  int size() {
    return size;
  }

  /** The oldest start kept; only when {@link #size()} > 0. */
  long oldest() {
    return times[head];
  }

  /** Forgets starts at or before {@code cutoff}. */
  void dropUpTo(long cutoff) {
    while (size > 0 && times[head] <= cutoff) {
      head = (head + 1) % times.length;
      size--;
    }
  }

  /** Keeps only the newest {@code max} starts. */
  void keepNewest(int max) {
    while (size > max) {
      head = (head + 1) % times.length;
      size--;
    }
  }

  void add(long t) {
    if (size == times.length) {
      long[] grown = new long[times.length * 2];
      for (int i = 0; i < size; i++) {
        grown[i] = times[(head + i) % times.length];
      }
      times = grown;
      head = 0;
    }
    times[(head + size) % times.length] = t;
    size++;
  }

  /**
   * The earliest of the newest starts recorded at {@code claimedAt} was actually sent at {@code
   * sentAt} (≥ claimedAt): it takes that time. Starts of one pass are recorded at the pass's time
   * and sent one after another, so they form the tail and stay in order.
   */
  void restamp(long claimedAt, long sentAt) {
    int at = -1;
    for (int i = size - 1; i >= 0; i--) {
      int idx = (head + i) % times.length;
      if (times[idx] != claimedAt) {
        break;
      }
      at = idx;
    }
    if (at >= 0) {
      times[at] = sentAt;
    }
  }

  /** Forgets the newest start (an attempt that did not start after all). */
  void removeNewest() {
    if (size > 0) {
      size--;
    }
  }

  void clear() {
    head = 0;
    size = 0;
  }
}
