package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When a WAL sync may start, on a clock the test moves: the window, and how it shrinks. */
class SyncPacerTest {
  private static final long W = 3_000_000; // a 3 ms window: a third of it is 1 ms
  private static final long THIRD = W / 3;
  private static final long PERIOD = W * SyncPacer.PERIOD_WINDOWS;

  /** Syncs of one submission each, {@code every} nanoseconds apart from {@code from}, at once. */
  private static long steady(SyncPacer pacer, long from, long every, int syncs) {
    long now = from;
    for (int i = 0; i < syncs; i++) {
      now += every;
      assertTrue(pacer.delay(now, 1) <= 0, "sync " + i + " waited");
      pacer.started(now, 1);
    }
    return now;
  }

  @Test
  void anIdleServerSyncsAtOnceWhateverTheWindow() {
    SyncPacer pacer = new SyncPacer(W, 0);
    assertTrue(pacer.delay(0, 1) <= 0);
    assertTrue(new SyncPacer(TimeUnit.HOURS.toNanos(1), 5).delay(5, 1) <= 0);
  }

  @Test
  void atAModerateRateEachSyncStartsOnceAThirdOfTheWindowHasPassed() {
    SyncPacer pacer = new SyncPacer(W, 0);
    pacer.started(0, 1);
    assertEquals(THIRD, pacer.delay(0, 1));
    assertEquals(THIRD - 400_000, pacer.delay(400_000, 2));
    assertEquals(0, pacer.delay(THIRD, 1));
    // Two submissions a window (2,000 a second with a 1 ms window), for many periods: no sync
    // waits.
    long now = steady(pacer, 0, W / 2, 10 * SyncPacer.PERIOD_WINDOWS);
    assertTrue(pacer.calm());
    // Three a window is still moderate.
    steady(pacer, now, THIRD, 10 * SyncPacer.PERIOD_WINDOWS);
    assertTrue(pacer.calm());
  }

  @Test
  void fasterThanThreeAWindowTheWholeWindowApplies() {
    SyncPacer pacer = new SyncPacer(W, 0);
    long now = 0;
    // Four syncs a window of one submission each: a period holds more than three a window.
    for (int i = 0; i < 4 * SyncPacer.PERIOD_WINDOWS; i++) {
      now += W / 4;
      pacer.started(now, 1);
    }
    assertFalse(pacer.calm());
    assertEquals(W, pacer.delay(now, 1));
    assertEquals(W - THIRD, pacer.delay(now + THIRD, 1));
    assertEquals(0, pacer.delay(now + W, 1));
  }

  @Test
  void aBurstOpensTheWholeWindowAtOnceAndABusyPeriodStillCountsForTheNext() {
    SyncPacer pacer = new SyncPacer(W, 0);
    pacer.started(0, 1);
    pacer.started(THIRD, 3 * SyncPacer.PERIOD_WINDOWS); // this period now holds too many
    assertFalse(pacer.calm());
    assertEquals(W, pacer.delay(THIRD, 1));
    // The next period: slow so far, but the last one was busy.
    long next = PERIOD + THIRD;
    assertTrue(pacer.delay(next, 1) <= 0); // the whole window since the last start has passed
    pacer.started(next, 1);
    assertFalse(pacer.calm());
    assertEquals(W - THIRD, pacer.delay(next + THIRD, 1));
    // The period after that: the last one was slow, so the window shrinks again.
    long after = 2 * PERIOD + W;
    pacer.started(after, 1);
    assertTrue(pacer.calm());
    assertEquals(THIRD, pacer.delay(after, 1));
  }

  @Test
  void aPeriodWithNoSyncAtAllCountsAsSlow() {
    SyncPacer pacer = new SyncPacer(W, 0);
    pacer.started(0, 1000);
    assertFalse(pacer.calm());
    long later = 5 * PERIOD;
    assertTrue(pacer.delay(later, 1) <= 0);
    pacer.started(later, 1);
    assertEquals(THIRD, pacer.delay(later, 1));
    assertTrue(pacer.calm());
  }

  @Test
  void aFullBatchStartsASyncWithoutWaitingForAnyWindow() {
    SyncPacer pacer = new SyncPacer(W, 0);
    pacer.started(0, 1000); // busy: the whole window applies
    assertEquals(W, pacer.delay(0, SyncPacer.SYNC_BATCH - 1));
    assertEquals(0, pacer.delay(0, SyncPacer.SYNC_BATCH));
  }

  @Test
  void withoutAWindowSyncsFollowEachOtherAtOnce() {
    SyncPacer pacer = new SyncPacer(0, 0);
    for (int i = 0; i < 100; i++) {
      assertEquals(0, pacer.delay(i, 1));
      pacer.started(i, 1000);
    }
  }

  @Test
  void aNegativeWindowIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SyncPacer(-1, 0));
    assertEquals("negative sync window", e.getMessage());
  }
}
