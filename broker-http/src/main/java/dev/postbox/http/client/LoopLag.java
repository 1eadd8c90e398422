package dev.postbox.http.client;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How far an event loop group is behind, measured on demand: each reading hands every loop that has
 * none outstanding a no-op probe, and the age of a probe not yet run is how long that loop has not
 * got round to its tasks (busy, or not given the CPU). It sees a loop that is stuck right now, and
 * costs nothing while nobody asks (an idle server does not wake its loops).
 */
final class LoopLag {
  private static final long NONE = Long.MIN_VALUE;

  private final List<EventExecutor> loops = new ArrayList<>();
  private final AtomicLongArray probeSentAt; // NONE when that loop has no probe outstanding

  LoopLag(EventLoopGroup group) {
    group.forEach(loops::add);
    probeSentAt = new AtomicLongArray(loops.size());
    for (int i = 0; i < loops.size(); i++) {
      probeSentAt.set(i, NONE);
    }
  }

  /** The age of the oldest probe not yet run, in nanoseconds (0 when every loop keeps up). */
  long nanos() {
    long now = System.nanoTime();
    long worst = 0;
    for (int i = 0; i < loops.size(); i++) {
      long sent = probeSentAt.get(i);
      if (sent != NONE) {
        worst = Math.max(worst, now - sent);
      } else if (probeSentAt.compareAndSet(i, NONE, now)) {
        int slot = i;
        try {
          loops.get(i).execute(() -> probeSentAt.set(slot, NONE));
        } catch (RejectedExecutionException stopping) {
          probeSentAt.set(slot, NONE); // shutting down: nothing to wait for
        }
      }
    }
    return worst;
  }
}
