package dev.postbox.core.testing;

import dev.postbox.core.store.StoreOp;
import dev.postbox.core.workflow.WaitEvent;
import dev.postbox.core.workflow.Waiter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The waits part of {@link InMemoryMessageStore}: waiters and kept events of workflow runs. Not
 * thread-safe on its own: the store calls it under its lock.
 */
final class InMemoryWaitRecords {
  private final Map<String, Waiter> waiters = new TreeMap<>();
  private final Map<String, WaitEvent> events = new TreeMap<>();

  /** Applies a wait operation; false when {@code op} is not one. */
  boolean apply(StoreOp op) {
    if (!(op instanceof StoreOp.WaitOp)) {
      return false;
    }
    if (op instanceof StoreOp.PutWaiter p) {
      Waiter w = p.waiter();
      waiters.put(key(w.tenant(), w.runId(), w.eventId()) + w.step().stepId(), w);
    } else if (op instanceof StoreOp.DeleteWaiter d) {
      waiters.remove(key(d.tenant(), d.runId(), d.eventId()) + d.stepId());
    } else if (op instanceof StoreOp.PutWaitEvent p) {
      WaitEvent e = p.event();
      events.put(key(e.tenant(), e.runId(), e.eventId()), e);
    } else if (op instanceof StoreOp.DeleteWaitEvent d) {
      events.remove(key(d.tenant(), d.runId(), d.eventId()));
    }
    return true;
  }

  List<Waiter> waiters() {
    return new ArrayList<>(waiters.values());
  }

  List<WaitEvent> events() {
    return new ArrayList<>(events.values());
  }

  private static String key(String tenant, String runId, String eventId) {
    return tenant + '\0' + runId + '\0' + eventId + '\0';
  }
}
