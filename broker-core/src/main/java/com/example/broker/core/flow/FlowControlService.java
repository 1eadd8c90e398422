package com.example.broker.core.flow;

import com.example.broker.core.error.InvalidRequestException;
import com.example.broker.core.error.NotFoundException;
import com.example.broker.core.message.FlowControl;
import com.example.broker.core.message.Message;
import com.example.broker.core.store.Durability;
import com.example.broker.core.store.MessageStore;
import com.example.broker.core.store.StoreBatch;
import com.example.broker.core.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Flow control (§13): per key, at most {@code parallelismMax} deliveries in flight and at most
 * {@code rateMax} started in any one period (a sliding window, so no burst at window boundaries),
 * across every message that names the key. The dispatcher asks {@link #tryStart} before each
 * attempt and reports {@link #finished}; a message that may not start waits in the key's waitlist
 * (the dispatcher's, in memory; its due entry stays on disk).
 *
 * <p>A key's configuration (limits, pins, pause) is stored, in the same write as the message that
 * changed it; counters (in flight, started this period) live in memory and start from zero after a
 * restart, when nothing is in flight.
 */
public final class FlowControlService {
  private final MessageStore store;
  private final Clock clock;
  private final Map<FlowRef, KeyState> keys = new ConcurrentHashMap<>();
  private volatile Runnable wake = () -> {};

  public FlowControlService(MessageStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Who to wake when a key may start more than before (the dispatcher). */
  public void bind(Runnable wake) {
    this.wake = wake;
  }

  /** A key as the API shows it (§13.2). */
  public record View(
      FlowKey config,
      int waitListSize,
      int parallelismCount,
      int rateCount,
      long ratePeriodStartMillis) {}

  /** Loads the stored key configurations. */
  public void recover() {
    for (FlowKey k : store.listFlowKeys()) {
      keys.put(k.ref(), new KeyState(k));
    }
  }

  /**
   * Adds to {@code b} the configuration changes the new messages declare (latest wins unless
   * pinned), so that a key exists, as declared, once its first message is accepted.
   */
  public void prepare(List<Message> messages, StoreBatch b) {
    boolean changed = false;
    for (Message m : messages) {
      FlowControl fc = m.flowControl();
      if (fc == null) {
        continue;
      }
      KeyState s = state(new FlowRef(m.tenant(), fc.key()), fc);
      synchronized (s) {
        FlowKey merged = s.config.merge(fc);
        if (!merged.equals(s.config) || !s.stored) {
          s.config = merged;
          s.stored = true;
          b.putFlowKey(merged);
          changed = true;
        }
      }
    }
    if (changed) {
      wake.run(); // limits may have grown: let waiting messages try again
    }
  }

  // ---- the dispatcher's side ------------------------------------------------------------------

  /**
   * Whether an attempt of a message with {@code fc} may start now; if so it is counted (in flight,
   * and started this period) and must be ended by {@link #finished} or {@link #undoStart}.
   */
  public boolean tryStart(String tenant, FlowControl fc, long now) {
    KeyState s = state(new FlowRef(tenant, fc.key()), fc);
    synchronized (s) {
      FlowKey c = s.config;
      if (c.paused()) {
        return false;
      }
      if (c.parallelismMax() > 0 && s.inFlight >= c.parallelismMax()) {
        return false;
      }
      if (c.rateMax() > 0) {
        slide(s, now);
        if (s.starts.size() >= c.rateMax()) {
          return false;
        }
        s.starts.add(now);
      }
      s.inFlight++;
      return true;
    }
  }

  /**
   * An attempt counted at {@code claimedAt} is being sent now, at {@code sentAt}: its start counts
   * from then, so the rate holds at the destination even when a pass sends many one by one.
   */
  public void sending(String tenant, String key, long claimedAt, long sentAt) {
    KeyState s = keys.get(new FlowRef(tenant, key));
    if (s != null && sentAt > claimedAt) {
      synchronized (s) {
        if (s.config.rateMax() > 0) {
          s.starts.restamp(claimedAt, sentAt);
        }
      }
    }
  }

  /** An attempt counted by {@link #tryStart} did not start after all. */
  public void undoStart(String tenant, String key) {
    KeyState s = keys.get(new FlowRef(tenant, key));
    if (s != null) {
      synchronized (s) {
        s.inFlight = Math.max(0, s.inFlight - 1);
        if (s.config.rateMax() > 0) {
          s.starts.removeNewest();
        }
      }
    }
  }

  /** An attempt ended (its outcome is recorded): its parallelism slot is free. */
  public void finished(String tenant, String key) {
    KeyState s = keys.get(new FlowRef(tenant, key));
    if (s != null) {
      synchronized (s) {
        s.inFlight = Math.max(0, s.inFlight - 1);
      }
    }
  }

  /**
   * When a key that is blocked now may start again by itself: the end of its rate period, or {@code
   * Long.MAX_VALUE} when only a finished attempt or an API call can unblock it.
   */
  public long reopensAt(String tenant, String key, long now) {
    KeyState s = keys.get(new FlowRef(tenant, key));
    if (s == null) {
      return now;
    }
    synchronized (s) {
      FlowKey c = s.config;
      if (c.paused() || (c.parallelismMax() > 0 && s.inFlight >= c.parallelismMax())) {
        return Long.MAX_VALUE;
      }
      if (c.rateMax() > 0) {
        slide(s, now);
        if (s.starts.size() >= c.rateMax()) {
          // The start that frees a place is the one rateMax places back: it leaves the window.
          return s.starts.oldest() + periodMillis(c);
        }
      }
      return now;
    }
  }

  /** The dispatcher's waitlist of a key grew or shrank by {@code delta}. */
  public void waiting(String tenant, String key, int delta) {
    KeyState s = keys.get(new FlowRef(tenant, key));
    if (s != null) {
      synchronized (s) {
        s.waiting = Math.max(0, s.waiting + delta);
      }
    }
  }

  /**
   * Forgets starts older than one period (and, when the limit was lowered, all but the newest
   * {@code rateMax}): what remains is this period's count.
   */
  private static void slide(KeyState s, long now) {
    s.starts.dropUpTo(now - periodMillis(s.config));
    s.starts.keepNewest(Math.max(0, s.config.rateMax()));
  }

  private static long periodMillis(FlowKey c) {
    return Math.max(1, c.ratePeriodSeconds()) * 1000;
  }

  // ---- management (§13.2) ---------------------------------------------------------------------

  /** A tenant's keys in key order; with {@code search}, only keys that contain it. */
  public List<View> list(String tenant, String search) {
    List<View> out = new ArrayList<>();
    long now = clock.millis();
    for (KeyState s : keys.values()) {
      if (s.config.tenant().equals(tenant) && (search == null || s.config.key().contains(search))) {
        out.add(view(s, now));
      }
    }
    out.sort(Comparator.comparing(v -> v.config().key()));
    return out;
  }

  public View get(String tenant, String key) {
    return view(existing(tenant, key), clock.millis());
  }

  public void pause(String tenant, String key) {
    update(tenant, key, k -> k.withPaused(true), false);
  }

  public void resume(String tenant, String key) {
    update(tenant, key, k -> k.withPaused(false), false);
  }

  /** Pins limits so that messages no longer change them; resets the rate state. */
  public void pin(String tenant, String key, Integer parallelism, Integer rate, Long period) {
    if (parallelism != null && parallelism < 1) {
      throw new InvalidRequestException("parallelism must be a positive integer");
    }
    if (rate != null && rate < 1) {
      throw new InvalidRequestException("rate must be a positive integer");
    }
    if (period != null && (period < 1 || period > 7 * 24 * 3600)) {
      throw new InvalidRequestException("period must be between 1 and 604800 seconds");
    }
    update(tenant, key, k -> k.pin(parallelism, rate, period), true);
  }

  public void unpin(String tenant, String key, boolean parallelism, boolean rate) {
    update(tenant, key, k -> k.unpin(parallelism, rate), false);
  }

  /** Starts a new rate period now with nothing started in it. */
  public void resetRate(String tenant, String key) {
    KeyState s = existing(tenant, key);
    synchronized (s) {
      s.starts.clear();
      s.periodReset = clock.millis();
    }
    wake.run();
  }

  /** Resets the counters: nothing started this period, and none counted in flight. */
  public void reset(String tenant, String key) {
    KeyState s = existing(tenant, key);
    synchronized (s) {
      s.starts.clear();
      s.periodReset = clock.millis();
      s.inFlight = 0;
    }
    wake.run();
  }

  private void update(String tenant, String key, UnaryOperator<FlowKey> change, boolean resetRate) {
    KeyState s = existing(tenant, key);
    FlowKey before;
    FlowKey next;
    java.util.concurrent.CompletableFuture<Void> written;
    synchronized (s) {
      before = s.config;
      next = change.apply(before);
      s.config = next;
      s.stored = true;
      if (resetRate) {
        s.starts.clear();
        s.periodReset = clock.millis();
      }
      // Waited for outside the lock: commit completions (finished attempts) take it.
      written = store.commit(new StoreBatch().putFlowKey(next), Durability.SYNC);
    }
    try {
      written.join();
    } catch (RuntimeException e) {
      synchronized (s) {
        if (s.config == next) {
          s.config = before;
        }
      }
      throw e;
    }
    wake.run();
  }

  private KeyState existing(String tenant, String key) {
    if (key == null || key.isBlank()) {
      throw new InvalidRequestException("a flow-control key is required");
    }
    KeyState s = keys.get(new FlowRef(tenant, key));
    if (s == null) {
      throw new NotFoundException("flow-control key " + key + " not found");
    }
    return s;
  }

  /**
   * The key as the API shows it. The window slides, so {@code rateCount} is the starts of the last
   * period and the period "started" at the oldest of them (or at the last reset, or now).
   */
  private static View view(KeyState s, long now) {
    synchronized (s) {
      slide(s, now);
      long periodStart =
          s.starts.size() > 0
              ? s.starts.oldest()
              : Math.max(s.periodReset, now - periodMillis(s.config));
      return new View(s.config, s.waiting, s.inFlight, s.starts.size(), periodStart);
    }
  }

  private KeyState state(FlowRef ref, FlowControl declared) {
    return keys.computeIfAbsent(
        ref, r -> new KeyState(FlowKey.declared(r.tenant(), declared), false));
  }

  /** One key's configuration and counters; guarded by itself. */
  private static final class KeyState {
    FlowKey config;
    boolean stored;
    int inFlight;
    final StartLog starts = new StartLog();
    long periodReset;
    int waiting;

    KeyState(FlowKey config) {
      this(config, true);
    }

    KeyState(FlowKey config, boolean stored) {
      this.config = config;
      this.stored = stored;
    }
  }
}
