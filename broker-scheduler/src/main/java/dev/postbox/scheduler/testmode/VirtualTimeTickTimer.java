package dev.postbox.scheduler.testmode;

import dev.postbox.core.schedule.ScheduleRef;
import dev.postbox.core.schedule.TickTimer;
import dev.postbox.core.testmode.PendingTicks;
import dev.postbox.core.time.AdvanceableClock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A tick timer on test mode's clock (docs/testing.md). Schedules arm ticks at times of the broker's
 * clock, which runs ahead of the real one; the timer underneath (Quartz) fires on real time. So
 * each tick is armed underneath at its time minus the clock's offset, and re-armed whenever the
 * clock advances: a tick that the advance made due fires at once. The schedule is handed the time
 * it was armed for, and a fire for a time it is no longer armed at (re-armed meanwhile) is dropped.
 * Thread-safe.
 */
public final class VirtualTimeTickTimer implements TickTimer, PendingTicks {
  /** How long a handed-over tick counts as being produced when its schedule is not re-armed. */
  private static final long FIRING_MILLIS = 2_000;

  /** A pending tick: the time it is for, and the real time the timer underneath fires it. */
  private record Armed(long at, long realAt) {}

  private final TickTimer real;
  private final AdvanceableClock clock;
  private final Object lock = new Object();
  private final Map<ScheduleRef, Armed> armed = new HashMap<>();
  // Ticks handed to the listener whose schedule has not been re-armed (or disarmed) since, with
  // the real time they were handed over: the tick's messages may not be stored yet.
  private final Map<ScheduleRef, Long> firing = new HashMap<>();

  public VirtualTimeTickTimer(TickTimer real, AdvanceableClock clock) {
    this.real = real;
    this.clock = clock;
    clock.onAdvance(now -> rearmAll());
  }

  @Override
  public void start(Listener listener) {
    real.start(
        (ref, realAt) -> {
          Armed a;
          synchronized (lock) {
            a = armed.get(ref);
            if (a == null || a.realAt() != realAt) {
              return; // re-armed since (the clock advanced): the new trigger counts
            }
            armed.remove(ref);
            firing.put(ref, System.currentTimeMillis());
          }
          listener.onTick(ref, a.at());
        });
  }

  @Override
  public void arm(ScheduleRef ref, long at) {
    synchronized (lock) {
      firing.remove(ref);
      long realAt = at - clock.offsetMillis();
      armed.put(ref, new Armed(at, realAt));
      real.arm(ref, realAt);
    }
  }

  @Override
  public void disarm(ScheduleRef ref) {
    synchronized (lock) {
      firing.remove(ref);
      armed.remove(ref);
      real.disarm(ref);
    }
  }

  /** The clock moved forward: every pending tick fires that much sooner in real time. */
  private void rearmAll() {
    synchronized (lock) {
      long offset = clock.offsetMillis();
      for (Map.Entry<ScheduleRef, Armed> e : armed.entrySet()) {
        Armed a = e.getValue();
        long realAt = a.at() - offset;
        if (realAt != a.realAt()) {
          e.setValue(new Armed(a.at(), realAt));
          real.arm(e.getKey(), realAt);
        }
      }
    }
  }

  @Override
  public long earliest() {
    synchronized (lock) {
      long min = Long.MAX_VALUE;
      for (Armed a : armed.values()) {
        min = Math.min(min, a.at());
      }
      return min;
    }
  }

  @Override
  public boolean anyDue(String tenant, long upTo) {
    synchronized (lock) {
      for (Map.Entry<ScheduleRef, Armed> e : armed.entrySet()) {
        if (e.getValue().at() <= upTo && ofTenant(e.getKey(), tenant)) {
          return true;
        }
      }
      long stale = System.currentTimeMillis() - FIRING_MILLIS;
      for (Iterator<Map.Entry<ScheduleRef, Long>> it = firing.entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<ScheduleRef, Long> e = it.next();
        if (e.getValue() < stale) {
          it.remove(); // its schedule was deleted, or the tick failed: nothing more is coming
        } else if (ofTenant(e.getKey(), tenant)) {
          return true;
        }
      }
      return false;
    }
  }

  private static boolean ofTenant(ScheduleRef ref, String tenant) {
    return tenant == null || ref.tenant().equals(tenant);
  }

  @Override
  public void close() {
    real.close();
  }
}
