package dev.postbox.core.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postbox.core.testing.SettableClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Test mode's clock: real time plus what was advanced, never backwards. */
class AdvanceableClockTest {
  private static final long T0 = 1_700_000_000_000L;

  private final SettableClock real = new SettableClock();
  private final AdvanceableClock clock = new AdvanceableClock(real);

  AdvanceableClockTest() {
    real.set(T0);
  }

  @Test
  void anAdvanceAddsToRealTimeWhichStillPasses() {
    assertEquals(T0, clock.millis());
    assertEquals(T0 + 3_600_000, clock.advance(3_600_000));
    assertEquals(3_600_000, clock.offsetMillis());
    real.set(T0 + 1_000); // a real second passes on top
    assertEquals(T0 + 3_601_000, clock.millis());
  }

  @Test
  void itNeverGoesBackwardsAndRefusesNegativeAdvances() {
    clock.advance(5_000);
    real.set(T0 - 60_000); // the real clock is set back
    assertEquals(T0 + 5_000, clock.millis());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> clock.advance(-1));
    assertEquals("the clock only moves forward, not by -1ms", e.getMessage());
  }

  @Test
  void listenersHearEachAdvanceWithTheNewTimeAndAdvanceToNeverMovesBack() {
    List<Long> heard = new ArrayList<>();
    clock.onAdvance(heard::add);
    clock.advance(10);
    assertEquals(T0 + 10, clock.advanceTo(T0 + 5)); // already past: no advance
    assertEquals(T0 + 20, clock.advanceTo(T0 + 20));
    assertEquals(List.of(T0 + 10, T0 + 20), heard);
  }
}
