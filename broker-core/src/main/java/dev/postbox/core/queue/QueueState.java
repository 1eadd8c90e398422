package dev.postbox.core.queue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** One queue's in-memory state; guarded by itself. */
final class QueueState {
  final QueueRef ref;
  Queue queue; // null: no such queue (never created, or deleted)
  final Map<String, String> holders = new HashMap<>(); // holder id -> slot token
  final Map<String, Integer> tokens = new HashMap<>(); // slot token -> holders
  long waiting;
  long cursor = -1; // place of the last promoted or skipped waiting message
  final Set<Long> cancelling = new HashSet<>();
  boolean pumpQueued;
  int deleting; // deletes still cancelling this queue's waiting messages
  boolean dropped; // let go: no longer in the table, must not be changed

  QueueState(QueueRef ref) {
    this.ref = ref;
  }

  void addHolder(String holderId, String token) {
    if (holders.putIfAbsent(holderId, token) == null) {
      tokens.merge(token, 1, Integer::sum);
    }
  }

  void removeHolder(String holderId) {
    String token = holders.remove(holderId);
    if (token != null) {
      tokens.computeIfPresent(token, (t, n) -> n > 1 ? n - 1 : null);
    }
  }

  /**
   * Whether nothing of the queue is left to track: it does not exist, no message or callback holds
   * a slot, none waits, and no cancel or delete of its waiting messages is under way.
   */
  boolean unused() {
    return queue == null
        && holders.isEmpty()
        && waiting == 0 // below zero, an enqueue is yet to be counted
        && cancelling.isEmpty()
        && deleting == 0;
  }

  QueueService.View view() {
    return new QueueService.View(queue, Math.max(0, waiting) + tokens.size());
  }
}
