package dev.postbox.storage.rocksdb;

/**
 * When the next WAL sync may start: the sync window, shrunk while the load is moderate. Pure
 * bookkeeping on times given by the caller (nanoseconds on one monotonic clock), used by one
 * thread.
 *
 * <p>Each sync costs far more CPU than the writes it covers, so under load a sync waits for
 * company: it starts once the previous one started at least a window ago, or at once when {@value
 * #SYNC_BATCH} synced submissions wait. At a moderate load that wait is most of a publish's latency
 * and saves little: at 2,000 a second and a 1 ms window every publish waited about half a window,
 * for syncs of two publishes instead of one. So while synced submissions have come in at most
 * {@value #CALM_PER_WINDOW} a window, the wait shrinks to a third of the window: each sync then
 * covers about one publish, and syncs still never come more often than {@value #CALM_PER_WINDOW} a
 * window. Faster than that the whole window applies, as it always did, so a busy server makes the
 * syncs it made before. The rate is what the syncs took in the current period of {@value
 * #PERIOD_WINDOWS} windows and in the one before, so a burst counts at once and a busy period still
 * counts for the next one.
 *
 * <p>A window of 0 syncs back to back. A sync on an idle server starts at once, whatever the
 * window.
 */
final class SyncPacer {
  /** Synced submissions waiting that start a sync without waiting for the window. */
  static final int SYNC_BATCH = 16;

  /** The most synced submissions a window, on average, for which the window shrinks. */
  static final int CALM_PER_WINDOW = 3;

  /** The period over which that rate is counted, in windows. */
  static final int PERIOD_WINDOWS = 8;

  private static final int CALM_PER_PERIOD = CALM_PER_WINDOW * PERIOD_WINDOWS;

  private final long window;
  private final long calmWindow;
  private final long period;
  private long lastStart;
  private long periodStart;
  private int thisPeriod; // synced submissions taken by the syncs started in the current period
  private int lastPeriod; // the same in the period before it, 0 when nothing came in then

  SyncPacer(long windowNanos, long now) {
    if (windowNanos < 0) {
      throw new IllegalArgumentException("negative sync window");
    }
    this.window = windowNanos;
    this.calmWindow = windowNanos / CALM_PER_WINDOW;
    this.period = windowNanos * PERIOD_WINDOWS;
    this.lastStart = now - windowNanos;
    this.periodStart = now;
  }

  /**
   * How long, from {@code now}, the next sync must still wait with {@code waiting} synced
   * submissions written and waiting for it (at least one); 0 or less: start it now.
   */
  long delay(long now, int waiting) {
    if (window == 0 || waiting >= SYNC_BATCH) {
      return 0;
    }
    roll(now);
    return lastStart + (calm() ? calmWindow : window) - now;
  }

  /** A sync started at {@code now}, covering {@code submissions} synced submissions. */
  void started(long now, int submissions) {
    lastStart = now;
    if (window == 0) {
      return;
    }
    roll(now);
    thisPeriod += submissions;
  }

  /**
   * Whether the window is shrunk: synced submissions came in slowly, now and in the last period.
   */
  boolean calm() {
    return thisPeriod <= CALM_PER_PERIOD && lastPeriod <= CALM_PER_PERIOD;
  }

  private void roll(long now) {
    long elapsed = now - periodStart;
    if (elapsed < period) {
      return;
    }
    if (elapsed < 2 * period) {
      lastPeriod = thisPeriod;
      periodStart += period;
    } else { // a whole period went by with no sync started
      lastPeriod = 0;
      periodStart = now;
    }
    thisPeriod = 0;
  }
}
