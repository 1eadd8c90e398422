package dev.postbox.storage.rocksdb;

import dev.postbox.core.flow.FlowKey;
import dev.postbox.core.queue.Queue;
import dev.postbox.core.queue.QueueRef;
import dev.postbox.core.queue.SlotHolder;
import dev.postbox.core.queue.WaitingEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads of what paces delivery: queues with their waiting lists and slot holders, and flow-control
 * keys.
 */
final class QueueReads {
  private final RocksDbReader reader;
  private final RocksDbStorage storage;

  QueueReads(RocksDbReader reader) {
    this.reader = reader;
    this.storage = reader.storage;
  }

  Optional<Queue> findQueue(String tenant, String name) {
    byte[] v = reader.get(storage.queues, Keys.message(tenant, name));
    return v == null ? Optional.empty() : Optional.of(QueueCodec.queue(v));
  }

  List<Queue> listQueues(String tenant) {
    List<Queue> out = new ArrayList<>();
    byte[] prefix = tenant == null ? null : Keys.tenantPrefix(tenant);
    reader.scanPrefix(storage.queues, prefix, (k, v) -> out.add(QueueCodec.queue(v)));
    return out;
  }

  List<WaitingEntry> scanWaiting(String tenant, String queue, long afterSeq, int limit) {
    List<WaitingEntry> out = new ArrayList<>();
    if (limit <= 0) {
      return out;
    }
    reader.scan(
        storage.queueWaiting,
        Keys.queuePrefix(tenant, queue),
        afterSeq < 0 ? null : Keys.waiting(tenant, queue, afterSeq + 1),
        (k, v) -> {
          Map.Entry<String, Long> w = QueueCodec.strLong(v);
          out.add(new WaitingEntry(tenant, queue, Keys.waitingSeq(k), w.getKey(), w.getValue()));
          return out.size() < limit;
        });
    return out;
  }

  Optional<WaitingEntry> findWaiting(String tenant, String messageId) {
    byte[] v = reader.get(storage.queueMembers, Keys.message(tenant, messageId));
    if (v == null) {
      return Optional.empty();
    }
    Map.Entry<String, Long> m = QueueCodec.strLong(v);
    byte[] w = reader.get(storage.queueWaiting, Keys.waiting(tenant, m.getKey(), m.getValue()));
    long dueAt = w == null ? 0 : QueueCodec.strLong(w).getValue();
    return Optional.of(new WaitingEntry(tenant, m.getKey(), m.getValue(), messageId, dueAt));
  }

  Map<QueueRef, Long> waitingCounts() {
    Map<QueueRef, Long> out = new HashMap<>();
    reader.scanPrefix(
        storage.queueWaiting,
        null,
        (k, v) -> {
          String[] parts = Keys.queueKeyParts(k, true);
          out.merge(new QueueRef(parts[0], parts[1]), 1L, Long::sum);
        });
    return out;
  }

  List<SlotHolder> slotHolders() {
    List<SlotHolder> out = new ArrayList<>();
    reader.scanPrefix(
        storage.queueSlots,
        null,
        (k, v) -> {
          String[] parts = Keys.queueKeyParts(k, false);
          out.add(new SlotHolder(parts[0], parts[1], parts[2], QueueCodec.slot(v)));
        });
    return out;
  }

  List<FlowKey> listFlowKeys() {
    List<FlowKey> out = new ArrayList<>();
    reader.scanPrefix(storage.flowKeys, null, (k, v) -> out.add(FlowKeyCodec.decode(v)));
    return out;
  }

  Optional<FlowKey> findFlowKey(String tenant, String key) {
    byte[] k = Keys.message(tenant, key);
    if (!storage.db.keyMayExist(storage.flowKeys, k, null)) {
      // A new key, known from the filters alone (a get of a miss costs more).
      return Optional.empty();
    }
    byte[] v = reader.get(storage.flowKeys, k);
    return v == null ? Optional.empty() : Optional.of(FlowKeyCodec.decode(v));
  }
}
