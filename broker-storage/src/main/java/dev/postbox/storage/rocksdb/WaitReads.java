package dev.postbox.storage.rocksdb;

import dev.postbox.core.workflow.WaitEvent;
import dev.postbox.core.workflow.Waiter;
import java.util.ArrayList;
import java.util.List;

/** Reads of the waits of workflow runs ({@link WaitCodec}): all of them, once on start. */
final class WaitReads {
  private final RocksDbReader reader;
  private final RocksDbStorage s;

  WaitReads(RocksDbReader reader) {
    this.reader = reader;
    this.s = reader.storage;
  }

  List<Waiter> waiters() {
    List<Waiter> out = new ArrayList<>();
    reader.scanPrefix(s.workflowWaits, WaitCodec.WAITERS, (k, v) -> out.add(WaitCodec.waiter(v)));
    return out;
  }

  List<WaitEvent> events() {
    List<WaitEvent> out = new ArrayList<>();
    reader.scanPrefix(s.workflowWaits, WaitCodec.EVENTS, (k, v) -> out.add(WaitCodec.event(v)));
    return out;
  }
}
