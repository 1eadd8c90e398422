package dev.postbox.core.testing;

import dev.postbox.core.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests set and advance by hand. Thread-safe. */
public final class SettableClock implements Clock {
  private final AtomicLong now = new AtomicLong();

  @Override
  public long millis() {
    return now.get();
  }

  public void set(long millis) {
    now.set(millis);
  }

  public void tick(Duration d) {
    now.addAndGet(d.toMillis());
  }
}
