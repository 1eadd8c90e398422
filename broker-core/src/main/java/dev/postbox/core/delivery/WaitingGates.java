package dev.postbox.core.delivery;

import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.flow.FlowRef;
import dev.postbox.core.message.Hosts;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.store.DueRef;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Due messages that could not start, each waiting at the gate that stopped it: a slot of its
 * destination host, or its flow-control key (docs/api.md#flow-control) allowing another start.
 * Their due entries stay on disk, so a crash loses nothing; here they only wait, in due order per
 * gate, for their gate to open. When a gate's queue is full, further messages are passed by and the
 * earliest of them is remembered, so they can be brought back once the gate has drained.
 *
 * <p>Not thread-safe: only the dispatch pass uses it, under its lock.
 */
final class WaitingGates {
  /** Most due messages kept waiting in memory, in all; beyond, they are skipped and read again. */
  static final int MAX_PARKED = 50_000;

  /** Most due messages kept waiting in memory for one host or one flow-control key. */
  static final int MAX_PARKED_PER_GATE = 10_000;

  /** A gate's passed-by messages are brought back once its queue is shorter than this. */
  private static final int REFILL_BELOW = MAX_PARKED_PER_GATE / 2;

  /** Due entries a host-queue refill looks at in one pass, at most. */
  static final int REFILL_SCAN_LIMIT = 4096;

  /** The due index's order. */
  private static final Comparator<DueRef> DUE_ORDER =
      Comparator.comparingLong(DueRef::dueAt)
          .thenComparing(d -> d.ref().tenant())
          .thenComparing(d -> d.ref().id());

  /** What a message at an open gate is handed to: the pass, which starts it or parks it again. */
  interface Admitter {
    Admission admit(DueRef d, Message m, long now, StoreBatch batch, List<Message> started);
  }

  /** A destination host or a flow-control key; exactly one of the two is set. */
  private record Gate(String host, FlowRef flow) {
    static Gate host(String host) {
      return new Gate(host, null);
    }

    static Gate flow(String tenant, String key) {
      return new Gate(null, new FlowRef(tenant, key));
    }
  }

  /** The messages waiting at one gate, and those passed by while it was full. */
  private static final class Waiting {
    final ArrayDeque<DueRef> queue = new ArrayDeque<>();
    // The earliest message passed by (null: none), where a refill starts looking again.
    DueRef passedBy;
    // How many were passed by (they count as waiting at a flow-control key).
    int passedByCount;
  }

  private final MessageStore store;
  private final FlowControlService flow;
  private final InFlight inFlight;
  private final Wakeup wakeup;
  private final Admitter admitter;

  // A gate leaves the map once its queue is empty and nothing was passed by.
  private final Map<Gate, Waiting> gates = new HashMap<>();
  // Every message waiting at some gate (its size is checked against MAX_PARKED).
  private final Set<MessageRef> waiting = new HashSet<>();

  WaitingGates(
      MessageStore store,
      FlowControlService flow,
      InFlight inFlight,
      Wakeup wakeup,
      Admitter admitter) {
    this.store = store;
    this.flow = flow;
    this.inFlight = inFlight;
    this.wakeup = wakeup;
    this.admitter = admitter;
  }

  /** Whether {@code ref} waits at a gate. */
  boolean isWaiting(MessageRef ref) {
    return waiting.contains(ref);
  }

  /** {@code d} waits for a slot of {@code host}. */
  Admission parkAtHost(String host, DueRef d) {
    return park(Gate.host(host), d);
  }

  /** {@code d} waits until its flow-control key allows another start. */
  Admission parkAtFlow(String tenant, String key, DueRef d) {
    return park(Gate.flow(tenant, key), d);
  }

  private Admission park(Gate gate, DueRef d) {
    Waiting w = gates.computeIfAbsent(gate, g -> new Waiting());
    countWaiting(gate, 1);
    DueRef passedBy = w.passedBy;
    if (w.queue.size() >= MAX_PARKED_PER_GATE
        || waiting.size() >= MAX_PARKED
        || (passedBy != null && DUE_ORDER.compare(d, passedBy) > 0)) {
      // Full, or messages before it were passed by (it must not overtake them): pass it by too,
      // so other gates' messages behind it are not held up; come back later.
      if (passedBy == null || DUE_ORDER.compare(passedBy, d) > 0) {
        w.passedBy = d;
      }
      w.passedByCount++;
      return Admission.SKIPPED;
    }
    w.queue.add(d);
    waiting.add(d.ref());
    return Admission.PARKED;
  }

  private void countWaiting(Gate gate, int delta) {
    if (gate.flow() != null) {
      flow.waiting(gate.flow().tenant(), gate.flow().key(), delta);
    }
  }

  /** Whether a message waiting at {@code gate} could start now (as far as the gate goes). */
  private boolean isOpen(Gate gate, long now, int hostCap) {
    if (gate.host() != null) {
      return inFlight.toHost(gate.host()) < hostCap;
    }
    return flow.reopensAt(gate.flow().tenant(), gate.flow().key(), now) <= now;
  }

  /**
   * Hands the messages at open gates to the admitter, oldest first per gate, while {@code free}
   * slots remain. A host's gate is open while it has fewer than {@code hostCap} in flight. Returns
   * the slots still free.
   */
  int startWaiting(int free, long now, int hostCap, StoreBatch batch, List<Message> started) {
    if (gates.isEmpty()) {
      return free;
    }
    Iterator<Map.Entry<Gate, Waiting>> it = gates.entrySet().iterator();
    List<DueRef> again = new ArrayList<>();
    while (it.hasNext() && free > 0) {
      Map.Entry<Gate, Waiting> e = it.next();
      Gate gate = e.getKey();
      Waiting w = e.getValue();
      ArrayDeque<DueRef> queue = w.queue;
      // First bring back what was passed by, so it can start in this very pass (nothing else
      // would wake the dispatcher for a host with nothing in flight).
      DueRef first = w.passedBy;
      if (first != null && queue.size() < REFILL_BELOW) {
        if (gate.host() != null) {
          refill(gate, w, first, now);
        } else {
          // A flow key drained: scan again from its earliest passed-by message.
          w.passedBy = null;
          countWaiting(gate, -w.passedByCount);
          w.passedByCount = 0;
          again.add(first);
        }
      }
      while (!queue.isEmpty() && free > 0 && isOpen(gate, now, hostCap)) {
        DueRef d = queue.poll();
        waiting.remove(d.ref());
        countWaiting(gate, -1);
        Optional<Message> m = store.findMessage(d.ref());
        if (m.isEmpty()) {
          batch.deleteDue(d.dueAt(), d.ref());
        } else {
          Admission a = admitter.admit(d, m.get(), now, batch, started);
          if (a == Admission.STARTED) {
            free--;
          } else if (a != Admission.DROPPED) {
            break; // it waits again (at this gate or its host's): try the gate next pass
          }
        }
      }
      if (queue.isEmpty() && w.passedBy == null) {
        it.remove();
      }
    }
    for (DueRef d : again) {
      wakeup.lookAgainFrom(d.dueAt());
    }
    return free;
  }

  /**
   * Refills a host's queue with the messages that were passed by while it was full, looking only
   * for that host's entries from {@code from} (inclusive) on; the scan cursor stays where it is. So
   * a one-host backlog larger than the queue is walked about once, where scanning again from the
   * earliest passed-by entry walked the rest of the backlog at every refill. Bounded per call;
   * where it stops is remembered for the next.
   */
  private void refill(Gate gate, Waiting w, DueRef from, long now) {
    DueRef position = from;
    int scanned = 0;
    // From the store, never `from` itself: it may be gone meanwhile (started, retried later).
    List<DueRef> due = store.scanDueFrom(from, now, REFILL_SCAN_LIMIT);
    while (true) {
      for (DueRef d : due) {
        if (w.queue.size() >= MAX_PARKED_PER_GATE || waiting.size() >= MAX_PARKED) {
          w.passedBy = d; // full again: go on from here next time
          return;
        }
        position = d;
        scanned++;
        MessageRef ref = d.ref();
        if (inFlight.contains(ref) || waiting.contains(ref)) {
          continue;
        }
        if (gate.host().equals(d.host() != null ? d.host() : storedHost(ref))) {
          w.queue.add(d);
          waiting.add(ref);
        }
      }
      if (scanned >= REFILL_SCAN_LIMIT) {
        w.passedBy = position; // enough for one pass: go on from here next time
        return;
      }
      due = due.isEmpty() ? due : store.scanDue(position, now, REFILL_SCAN_LIMIT - scanned);
      if (due.isEmpty()) {
        // Reached what is due now: nothing of this host was left behind.
        w.passedBy = null;
        w.passedByCount = 0;
        return;
      }
    }
  }

  /** The host of a stored message, for due entries written without it (null: it is gone). */
  private String storedHost(MessageRef ref) {
    return store.findMessage(ref).map(m -> Hosts.of(m.url())).orElse(null);
  }

  /** Earliest time a rate-limited flow key with waiting messages opens again, or MAX_VALUE. */
  long earliestReopen(long now) {
    long at = Long.MAX_VALUE;
    for (Map.Entry<Gate, Waiting> e : gates.entrySet()) {
      FlowRef f = e.getKey().flow();
      if (f != null && !e.getValue().queue.isEmpty()) {
        at = Math.min(at, flow.reopensAt(f.tenant(), f.key(), now));
      }
    }
    return at;
  }
}
