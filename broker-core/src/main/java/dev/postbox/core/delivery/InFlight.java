package dev.postbox.core.delivery;

import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.flow.FlowRef;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deliveries in flight: claimed by a pass, released when their outcome is recorded, and the
 * cancels that race with both. A claim and a cancel of the same message take the same lock stripe,
 * so a message cancelled before its claim is never started and one cancelled after is marked.
 */
final class InFlight {
  /** How long a cancel of a message not in flight keeps it from being claimed. */
  private static final long TOMBSTONE_MILLIS = 60_000;

  /** Locks that claims and cancels take per message (by hash), so they rarely contend. */
  private static final int LOCK_STRIPES = 64;

  /** One delivery in flight. */
  static final class Claim {
    final String host;
    volatile FlowRef flow; // the flow-control key whose slot it holds, if any
    volatile boolean cancelRequested;

    Claim(String host) {
      this.host = host;
    }
  }

  private final MessageStore store;
  private final QueueService queues;
  private final FlowControlService flow;
  private final RecordOutcome outcomes;

  private final ConcurrentHashMap<MessageRef, Claim> claims = new ConcurrentHashMap<>();
  // Deliveries in flight per destination host; a host leaves the map when its count drops to 0, so
  // the map holds the hosts being delivered to now, not every host ever seen.
  private final ConcurrentHashMap<String, Integer> perHost = new ConcurrentHashMap<>();
  // Messages cancelled while not in flight, with the time of the cancel.
  private final ConcurrentHashMap<MessageRef, Long> cancelled = new ConcurrentHashMap<>();
  private final Object[] stripes = new Object[LOCK_STRIPES];

  InFlight(
      MessageStore store, QueueService queues, FlowControlService flow, RecordOutcome outcomes) {
    this.store = store;
    this.queues = queues;
    this.flow = flow;
    this.outcomes = outcomes;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Object();
    }
  }

  int size() {
    return claims.size();
  }

  /** Claims of one tenant (a scan: for test mode's flush, not for the hot path). */
  int countOf(String tenant) {
    int n = 0;
    for (MessageRef ref : claims.keySet()) {
      if (ref.tenant().equals(tenant)) {
        n++;
      }
    }
    return n;
  }

  boolean isEmpty() {
    return claims.isEmpty();
  }

  boolean contains(MessageRef ref) {
    return claims.containsKey(ref);
  }

  Claim get(MessageRef ref) {
    return claims.get(ref);
  }

  /** Deliveries in flight to {@code host}. */
  int toHost(String host) {
    Integer n = perHost.get(host);
    return n == null ? 0 : n;
  }

  /** Destination hosts with a delivery in flight (those the per-host counters track). */
  int hostsTracked() {
    return perHost.size();
  }

  /** Marks a message in flight to {@code host}; null when it was cancelled meanwhile. */
  Claim claim(MessageRef ref, String host) {
    Claim c;
    synchronized (stripe(ref)) {
      if (cancelled.containsKey(ref)) {
        return null;
      }
      c = new Claim(host);
      claims.put(ref, c);
    }
    perHost.merge(host, 1, Integer::sum);
    return c;
  }

  /**
   * Frees the slots a delivery held (its host's, its flow-control key's); {@code c} may be null.
   */
  void release(MessageRef ref, Claim c) {
    claims.remove(ref);
    if (c != null) {
      perHost.computeIfPresent(c.host, (h, n) -> n == 1 ? null : n - 1);
      FlowRef key = c.flow;
      if (key != null) {
        flow.finished(key.tenant(), key.key());
      }
    }
  }

  /**
   * Cancels a pending message (docs/api.md#messages). A delivery already in flight may still
   * complete; if it fails, no retry follows. Completes with false when the message is unknown or
   * already final.
   */
  CompletableFuture<Boolean> cancel(MessageRef ref, long now) {
    synchronized (stripe(ref)) {
      Claim c = claims.get(ref);
      if (c != null) {
        if (c.cancelRequested) {
          return CompletableFuture.completedFuture(true);
        }
        c.cancelRequested = true;
        Optional<Message> m = store.findMessage(ref);
        if (m.isEmpty()) {
          return CompletableFuture.completedFuture(true);
        }
        StoreBatch b =
            new StoreBatch()
                .appendLog(
                    LogEntry.of(now, MessageState.CANCEL_REQUESTED, m.get().withoutBody(), 0));
        return store.commit(b, Durability.SYNC).thenApply(v -> true);
      }
      cancelled.put(ref, now);
    }
    Optional<Message> found = store.findMessage(ref);
    if (found.isEmpty()) {
      cancelled.remove(ref);
      return CompletableFuture.completedFuture(false);
    }
    Message m = found.get();
    StoreBatch b = new StoreBatch();
    queues.onCancel(m, b); // leave its queue's waiting list, or give back its slot
    outcomes.cancelled(b, m, now).deleteDue(m.dueAt(), ref);
    return store
        .commit(b, Durability.SYNC)
        .thenApply(
            v -> {
              queues.committed(b);
              return true;
            });
  }

  /**
   * Adds to {@code b} the cancel of each listed message that is pending and not in flight (one in
   * flight ends by itself); returns those it cancels. Each is kept from being claimed from now on,
   * like {@link #cancel}. The caller commits {@code b}, then calls {@link QueueService#committed}.
   */
  List<Message> cancelInto(Collection<MessageRef> refs, StoreBatch b, long now) {
    List<Message> out = new ArrayList<>();
    for (MessageRef ref : refs) {
      synchronized (stripe(ref)) {
        if (claims.containsKey(ref)) {
          continue;
        }
        cancelled.put(ref, now);
      }
      Optional<Message> found = store.findMessage(ref); // read after the mark: not claimed since
      if (found.isEmpty()) {
        cancelled.remove(ref);
        continue;
      }
      Message m = found.get();
      queues.onCancel(m, b);
      b.cancelMessage(m, now).deleteDue(m.dueAt(), ref);
      out.add(m);
    }
    return out;
  }

  /** Forgets cancels older than {@link #TOMBSTONE_MILLIS}. */
  void expireTombstones(long now) {
    if (!cancelled.isEmpty()) {
      cancelled.values().removeIf(t -> now - t > TOMBSTONE_MILLIS);
    }
  }

  private Object stripe(MessageRef ref) {
    return stripes[(ref.hashCode() & 0x7fffffff) % stripes.length];
  }
}
