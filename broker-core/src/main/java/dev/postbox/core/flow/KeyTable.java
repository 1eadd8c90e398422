package dev.postbox.core.flow;

import dev.postbox.core.message.FlowControl;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The flow-control keys in memory. A key is read from the store when first used after a start; once
 * more than {@code residentFloor} keys are in memory, idle ones are let go (their configuration
 * stays on disk). A sweep runs when the keys in memory have doubled since the last one, so its cost
 * is constant per key added. Whoever uses a key goes through {@link #apply}, which reads it again
 * when it was let go meanwhile.
 */
final class KeyTable {
  private final MessageStore store;
  private final Clock clock;
  private final int residentFloor;
  private final long idleGraceMillis;
  private final Map<FlowRef, KeyState> keys = new ConcurrentHashMap<>();
  private final AtomicBoolean sweeping = new AtomicBoolean();
  private volatile int sweepAt;

  KeyTable(MessageStore store, Clock clock, int residentFloor, long idleGraceMillis) {
    this.store = store;
    this.clock = clock;
    this.residentFloor = residentFloor;
    this.idleGraceMillis = idleGraceMillis;
    this.sweepAt = residentFloor;
  }

  /**
   * Runs {@code use} on the key's state in memory, under its lock, reading the key from the store
   * first if it is not in memory (or, when it is not stored either, as {@code declared} declares
   * it); {@code use} gets null when there is no such key and nothing declares it.
   */
  <T> T apply(FlowRef ref, FlowControl declared, Function<KeyState, T> use) {
    while (true) {
      KeyState s = load(ref, declared);
      if (s == null) {
        return use.apply(null);
      }
      synchronized (s) {
        if (!s.evicted) { // else it was let go after we found it: read it again
          s.lastUsed = clock.millis();
          return use.apply(s);
        }
      }
    }
  }

  /** The key's state if it is in memory, else null; read it under its lock. */
  KeyState find(FlowRef ref) {
    return keys.get(ref);
  }

  Collection<KeyState> all() {
    return keys.values();
  }

  int size() {
    return keys.size();
  }

  private KeyState load(FlowRef ref, FlowControl declared) {
    KeyState s = keys.get(ref);
    if (s != null) {
      return s;
    }
    Optional<FlowKey> stored = store.findFlowKey(ref.tenant(), ref.key());
    if (stored.isEmpty() && declared == null) {
      return null;
    }
    KeyState fresh =
        stored.isPresent()
            ? new KeyState(stored.get(), true, clock.millis())
            : new KeyState(FlowKey.declared(ref.tenant(), declared), false, clock.millis());
    KeyState raced = keys.putIfAbsent(ref, fresh);
    if (raced != null) {
      return raced;
    }
    if (keys.size() >= sweepAt) {
      sweep();
    }
    return fresh;
  }

  /** Lets go of idle keys; the next sweep comes when the keys in memory have doubled. */
  private void sweep() {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    try {
      long now = clock.millis();
      keys.forEach(
          (ref, s) -> {
            synchronized (s) {
              if (s.idle(now, idleGraceMillis)) {
                s.evicted = true;
                keys.remove(ref, s);
              }
            }
          });
      sweepAt = Math.max(residentFloor, 2 * keys.size());
    } finally {
      sweeping.set(false);
    }
  }
}
