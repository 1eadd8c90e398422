package dev.postbox.storage.rocksdb;

import dev.postbox.core.store.Page;
import dev.postbox.core.workflow.FailureCall;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.RunEnd;
import dev.postbox.core.workflow.RunListing;
import dev.postbox.core.workflow.WorkflowRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/** Reads of workflow runs and their histories ({@link WorkflowKeys}). Thread-safe. */
final class WorkflowReads {
  private final RocksDbReader reader;
  private final RocksDbStorage s;

  WorkflowReads(RocksDbReader reader) {
    this.reader = reader;
    this.s = reader.storage;
  }

  Optional<WorkflowRun> findRun(String tenant, String runId) {
    byte[] start = reader.get(s.workflowRuns, WorkflowKeys.run(tenant, runId, WorkflowKeys.START));
    if (start == null) {
      return Optional.empty();
    }
    byte[] end = reader.get(s.workflowRuns, WorkflowKeys.run(tenant, runId, WorkflowKeys.END));
    WorkflowRun r = WorkflowCodec.run(start);
    return Optional.of(end == null ? r : r.withEnd(WorkflowCodec.end(end)));
  }

  Optional<FailureCall> findFailureCall(String tenant, String runId) {
    byte[] v =
        reader.get(s.workflowRuns, WorkflowKeys.run(tenant, runId, WorkflowKeys.FAILURE_CALL));
    return v == null ? Optional.empty() : Optional.of(WorkflowCodec.failureCall(v));
  }

  /** Start records are followed by their end, if any: each run is merged as the scan passes. */
  List<WorkflowRun> scanRuns(
      String tenant, String afterRunId, int limit, Predicate<WorkflowRun> filter) {
    byte[] prefix = Keys.tenantPrefix(tenant);
    byte[] from =
        afterRunId == null
            ? null
            : Keys.upperBound(WorkflowKeys.runPrefix(tenant, afterRunId)); // past both records
    List<WorkflowRun> out = new ArrayList<>();
    WorkflowRun[] pending = new WorkflowRun[1];
    reader.scan(
        s.workflowRuns,
        prefix,
        from,
        (k, v) -> {
          if (WorkflowKeys.kind(k) == WorkflowKeys.START) {
            offer(pending[0], filter, out);
            pending[0] = WorkflowCodec.run(v);
          } else if (WorkflowKeys.kind(k) == WorkflowKeys.END
              && pending[0] != null
              && pending[0].id().equals(WorkflowKeys.runId(tenant, k))) {
            RunEnd end = WorkflowCodec.end(v);
            pending[0] = pending[0].withEnd(end);
          }
          return out.size() < limit;
        });
    if (out.size() < limit) {
      offer(pending[0], filter, out);
    }
    return out;
  }

  /**
   * Walks the by-time index backwards from the cursor (or from {@code toMs}), reading each run by
   * its id: at most {@code maxScanned} point reads of runs.
   */
  Page<WorkflowRun> listRuns(String tenant, RunListing l, Predicate<WorkflowRun> filter) {
    byte[] prefix = Keys.tenantPrefix(tenant);
    byte[] start =
        WorkflowKeys.byTimeFrom(tenant, l.toMs() == Long.MAX_VALUE ? l.toMs() : l.toMs() + 1);
    if (l.cursor() != null) {
      RunListing.Position p = RunListing.parse(l.cursor());
      byte[] at = WorkflowKeys.byTime(tenant, p.createdAt(), p.runId());
      if (Arrays.compareUnsigned(at, start) < 0) {
        start = at;
      }
    }
    List<WorkflowRun> out = new ArrayList<>();
    String last = null;
    int scanned = 0;
    try (Slice lower = new Slice(WorkflowKeys.byTimeFrom(tenant, Math.max(0, l.fromMs())));
        Slice upper = new Slice(Keys.upperBound(prefix));
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = s.db.newIterator(s.workflowRunsByTime, ro)) {
      it.seekForPrev(start);
      if (it.isValid() && Arrays.equals(it.key(), start)) {
        it.prev(); // strictly after the cursor
      }
      for (; it.isValid(); it.prev()) {
        if (out.size() >= l.limit() || scanned >= l.maxScanned()) {
          return new Page<>(out, last);
        }
        byte[] key = it.key();
        String runId = WorkflowKeys.byTimeRunId(tenant, key);
        scanned++;
        last = new RunListing.Position(WorkflowKeys.byTimeCreatedAt(tenant, key), runId).toString();
        Optional<WorkflowRun> r = findRun(tenant, runId);
        if (r.isPresent() && filter.test(r.get())) {
          out.add(r.get());
        }
      }
      RocksDbReader.check(it);
    }
    return new Page<>(out, null);
  }

  private static void offer(WorkflowRun r, Predicate<WorkflowRun> filter, List<WorkflowRun> out) {
    if (r != null && filter.test(r)) {
      out.add(r);
    }
  }

  List<HistoryEntry> readHistory(String tenant, String runId, long upToSeq) {
    List<HistoryEntry> out = new ArrayList<>();
    reader.scan(
        s.workflowHistory,
        WorkflowKeys.runPrefix(tenant, runId),
        null,
        (k, v) -> {
          long seq = WorkflowKeys.seq(k);
          if (seq > upToSeq) {
            return false;
          }
          out.add(WorkflowCodec.history(tenant, runId, seq, v));
          return true;
        });
    return out;
  }

  long nextHistorySeq(String tenant, String runId) {
    byte[] prefix = WorkflowKeys.runPrefix(tenant, runId);
    try (Slice lower = new Slice(prefix);
        Slice upper = new Slice(Keys.upperBound(prefix));
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        RocksIterator it = s.db.newIterator(s.workflowHistory, ro)) {
      it.seekToLast();
      if (it.isValid()) {
        return WorkflowKeys.seq(it.key()) + 1;
      }
      RocksDbReader.check(it);
      return 0;
    }
  }
}
