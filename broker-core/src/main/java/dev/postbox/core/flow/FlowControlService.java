package dev.postbox.core.flow;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.Message;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * Flow control (docs/api.md#flow-control): per key, at most {@code parallelismMax} deliveries in
 * flight and at most {@code rateMax} started in any one period (a sliding window, so no burst at
 * window boundaries), across every message that names the key. The dispatcher asks {@link
 * #tryStart} before each attempt and reports {@link #finished}; a message that may not start waits
 * in the key's waitlist (the dispatcher's, in memory; its due entry stays on disk).
 *
 * <p>A key's configuration (limits, pins, pause) is stored, in the same write as the message that
 * changed it; counters (in flight, started this period) live in memory and start from zero after a
 * restart, when nothing is in flight.
 *
 * <p>Memory holds only the keys in use ({@link KeyTable}): once more than {@link #RESIDENT_FLOOR}
 * keys are in memory, keys with nothing in flight, nothing waiting, no start left in their rate
 * window and no use for {@link #IDLE_GRACE_MILLIS} are let go (their configuration stays on disk).
 * So a key per user, or per message, costs disk, not heap.
 */
public final class FlowControlService {
  /** Keys kept in memory before idle ones are let go. */
  static final int RESIDENT_FLOOR = 10_000;

  /** How long a key stays in memory after its last use, at least. */
  static final long IDLE_GRACE_MILLIS = 10_000;

  private final MessageStore store;
  private final Clock clock;
  private final KeyTable keys;
  private volatile Runnable wake = () -> {};

  public FlowControlService(MessageStore store, Clock clock) {
    this(store, clock, RESIDENT_FLOOR);
  }

  FlowControlService(MessageStore store, Clock clock, int residentFloor) {
    this.store = store;
    this.clock = clock;
    this.keys = new KeyTable(store, clock, residentFloor, IDLE_GRACE_MILLIS);
  }

  /** Who to wake when a key may start more than before (the dispatcher). */
  public void bind(Runnable wake) {
    this.wake = wake;
  }

  /** A key as the API shows it (docs/api.md#flow-control). */
  public record View(
      FlowKey config,
      int waitListSize,
      int parallelismCount,
      int rateCount,
      long ratePeriodStartMillis) {}

  /** How many keys are in memory now (the rest are on disk only). */
  int resident() {
    return keys.size();
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
      changed |=
          keys.apply(
              new FlowRef(m.tenant(), fc.key()),
              fc,
              s -> {
                FlowKey merged = s.config.merge(fc);
                if (merged.equals(s.config) && s.stored) {
                  return false;
                }
                boolean limitsChanged = !merged.equals(s.config);
                s.config = merged;
                s.stored = true;
                b.putFlowKey(merged);
                // Only messages already waiting at this key can gain from new limits (a new key
                // has none): waking the dispatcher for every new key cost a pass per publish.
                return limitsChanged && s.waiting > 0;
              });
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
    return keys.apply(new FlowRef(tenant, fc.key()), fc, s -> s.tryStart(now));
  }

  /**
   * An attempt counted at {@code claimedAt} is being sent now, at {@code sentAt}: its start counts
   * from then, so the rate holds at the destination even when a pass sends many one by one.
   */
  public void sending(String tenant, String key, long claimedAt, long sentAt) {
    KeyState s = keys.find(new FlowRef(tenant, key));
    if (s != null && sentAt > claimedAt) {
      s.restamp(claimedAt, sentAt);
    }
  }

  // sending, undoStart and finished concern a key with an attempt in flight, which is never let go.

  /** An attempt counted by {@link #tryStart} did not start after all. */
  public void undoStart(String tenant, String key) {
    KeyState s = keys.find(new FlowRef(tenant, key));
    if (s != null) {
      s.undoStart();
    }
  }

  /** An attempt ended (its outcome is recorded): its parallelism slot is free. */
  public void finished(String tenant, String key) {
    KeyState s = keys.find(new FlowRef(tenant, key));
    if (s != null) {
      s.finished();
    }
  }

  /**
   * When a key that is blocked now may start again by itself: the end of its rate period, or {@code
   * Long.MAX_VALUE} when only a finished attempt or an API call can unblock it.
   */
  public long reopensAt(String tenant, String key, long now) {
    KeyState s = keys.find(new FlowRef(tenant, key));
    if (s == null) {
      return now; // not in memory: idle, so nothing holds it back
    }
    return s.reopensAt(now);
  }

  /** The dispatcher's waitlist of a key grew or shrank by {@code delta}. */
  public void waiting(String tenant, String key, int delta) {
    keys.apply(
        new FlowRef(tenant, key),
        null,
        s -> {
          if (s != null) {
            s.waiting = Math.max(0, s.waiting + delta);
          }
          return null;
        });
  }

  // ---- management (docs/api.md#flow-control)
  // ---------------------------------------------------------------------

  /** A tenant's keys in key order; with {@code search}, only keys that contain it. */
  public List<View> list(String tenant, String search) {
    Map<String, View> byKey = new TreeMap<>();
    long now = clock.millis();
    for (KeyState s : keys.all()) { // in memory: with their counters, and keys not yet stored
      View v = s.view(now);
      if (v.config().tenant().equals(tenant) && matches(v.config().key(), search)) {
        byKey.put(v.config().key(), v);
      }
    }
    for (FlowKey k : store.listFlowKeys()) { // on disk only: idle
      if (k.tenant().equals(tenant) && matches(k.key(), search)) {
        byKey.putIfAbsent(k.key(), new View(k, 0, 0, 0, now - KeyState.periodMillis(k)));
      }
    }
    return new ArrayList<>(byKey.values());
  }

  private static boolean matches(String key, String search) {
    return search == null || key.contains(search);
  }

  public View get(String tenant, String key) {
    return keys.apply(existingRef(tenant, key), null, s -> existing(s, key).view(clock.millis()));
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
    resetCounters(tenant, key, false);
  }

  /** Resets the counters: nothing started this period, and none counted in flight. */
  public void reset(String tenant, String key) {
    resetCounters(tenant, key, true);
  }

  private void resetCounters(String tenant, String key, boolean inFlightToo) {
    keys.apply(
        existingRef(tenant, key),
        null,
        s -> {
          existing(s, key).resetRate(clock.millis());
          if (inFlightToo) {
            s.inFlight = 0;
          }
          return null;
        });
    wake.run();
  }

  private record Change(
      KeyState state, FlowKey before, FlowKey next, CompletableFuture<Void> written) {}

  private void update(String tenant, String key, UnaryOperator<FlowKey> change, boolean resetRate) {
    Change c =
        keys.apply(
            existingRef(tenant, key),
            null,
            s -> {
              FlowKey before = existing(s, key).config;
              FlowKey next = change.apply(before);
              s.config = next;
              s.stored = true;
              if (resetRate) {
                s.resetRate(clock.millis());
              }
              // Waited for outside the lock: commit completions (finished attempts) take it. The
              // key was just used, so it stays in memory at least until the write is done.
              return new Change(
                  s,
                  before,
                  next,
                  store.commit(new StoreBatch().putFlowKey(next), Durability.SYNC));
            });
    try {
      c.written().join();
    } catch (RuntimeException e) {
      synchronized (c.state()) {
        if (c.state().config == c.next()) {
          c.state().config = c.before();
        }
      }
      throw e;
    }
    wake.run();
  }

  private static FlowRef existingRef(String tenant, String key) {
    if (key == null || key.isBlank()) {
      throw new InvalidRequestException("a flow-control key is required");
    }
    return new FlowRef(tenant, key);
  }

  private static KeyState existing(KeyState s, String key) {
    if (s == null) {
      throw new NotFoundException("flow-control key " + key + " not found");
    }
    return s;
  }
}
