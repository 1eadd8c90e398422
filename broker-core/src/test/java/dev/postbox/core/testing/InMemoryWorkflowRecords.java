package dev.postbox.core.testing;

import dev.postbox.core.store.Page;
import dev.postbox.core.store.StoreOp;
import dev.postbox.core.workflow.FailureCall;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.RunEnd;
import dev.postbox.core.workflow.RunListing;
import dev.postbox.core.workflow.WorkflowRun;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The workflow part of {@link InMemoryMessageStore}: run start records, run ends and histories. Not
 * thread-safe on its own: the store calls it under its lock.
 */
final class InMemoryWorkflowRecords {
  private final Map<String, TreeMap<String, WorkflowRun>> runs = new HashMap<>();
  private final Map<String, RunEnd> ends = new HashMap<>();
  private final Map<String, FailureCall> failureCalls = new HashMap<>();
  private final Map<String, TreeMap<Long, HistoryEntry>> history = new HashMap<>();

  /** Applies a workflow operation; false when {@code op} is not one. */
  boolean apply(StoreOp op) {
    if (op instanceof StoreOp.PutWorkflowRun p) {
      WorkflowRun r = p.run();
      runs.computeIfAbsent(r.tenant(), t -> new TreeMap<>()).put(r.id(), r.started());
    } else if (op instanceof StoreOp.PutWorkflowRunEnd e) {
      ends.put(key(e.tenant(), e.runId()), e.end());
    } else if (op instanceof StoreOp.PutFailureCall f) {
      failureCalls.put(key(f.call().tenant(), f.call().runId()), f.call());
    } else if (op instanceof StoreOp.PutHistoryEntry h) {
      HistoryEntry e = h.entry();
      history.computeIfAbsent(key(e.tenant(), e.runId()), k -> new TreeMap<>()).put(e.seq(), e);
    } else {
      return false;
    }
    return true;
  }

  Optional<WorkflowRun> findRun(String tenant, String runId) {
    TreeMap<String, WorkflowRun> t = runs.get(tenant);
    WorkflowRun r = t == null ? null : t.get(runId);
    return Optional.ofNullable(r).map(this::withEnd);
  }

  List<WorkflowRun> scanRuns(
      String tenant, String afterRunId, int limit, Predicate<WorkflowRun> filter) {
    List<WorkflowRun> out = new ArrayList<>();
    TreeMap<String, WorkflowRun> t = runs.get(tenant);
    if (t == null) {
      return out;
    }
    for (WorkflowRun r : (afterRunId == null ? t : t.tailMap(afterRunId, false)).values()) {
      if (out.size() >= limit) {
        break;
      }
      WorkflowRun full = withEnd(r);
      if (filter.test(full)) {
        out.add(full);
      }
    }
    return out;
  }

  /** Sorts the tenant's runs on every call: a test store, small. */
  Page<WorkflowRun> listRuns(String tenant, RunListing l, Predicate<WorkflowRun> filter) {
    TreeMap<String, WorkflowRun> t = runs.get(tenant);
    List<WorkflowRun> all = new ArrayList<>(t == null ? List.of() : t.values());
    all.sort(NEWEST_FIRST);
    RunListing.Position after = l.cursor() == null ? null : RunListing.parse(l.cursor());
    List<WorkflowRun> out = new ArrayList<>();
    int scanned = 0;
    WorkflowRun last = null;
    for (WorkflowRun r : all) {
      if (r.createdAt() > l.toMs() || (after != null && !isAfter(r, after))) {
        continue;
      }
      if (r.createdAt() < l.fromMs()) {
        break;
      }
      if (out.size() >= l.limit() || scanned >= l.maxScanned()) {
        return new Page<>(out, RunListing.position(last));
      }
      scanned++;
      last = r;
      WorkflowRun full = withEnd(r);
      if (filter.test(full)) {
        out.add(full);
      }
    }
    return new Page<>(out, null);
  }

  private static final Comparator<WorkflowRun> NEWEST_FIRST =
      Comparator.comparingLong(WorkflowRun::createdAt)
          .thenComparing((a, b) -> Arrays.compareUnsigned(utf8(a.id()), utf8(b.id())))
          .reversed();

  private static boolean isAfter(WorkflowRun r, RunListing.Position p) {
    if (r.createdAt() != p.createdAt()) {
      return r.createdAt() < p.createdAt();
    }
    return Arrays.compareUnsigned(utf8(r.id()), utf8(p.runId())) < 0;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  List<HistoryEntry> readHistory(String tenant, String runId, long upToSeq) {
    TreeMap<Long, HistoryEntry> h = history.get(key(tenant, runId));
    return h == null ? List.of() : new ArrayList<>(h.headMap(upToSeq, true).values());
  }

  Optional<FailureCall> findFailureCall(String tenant, String runId) {
    return Optional.ofNullable(failureCalls.get(key(tenant, runId)));
  }

  long nextHistorySeq(String tenant, String runId) {
    TreeMap<Long, HistoryEntry> h = history.get(key(tenant, runId));
    return h == null || h.isEmpty() ? 0 : h.lastKey() + 1;
  }

  int expireRuns(String tenant, long endedBefore, Predicate<String> keep) {
    TreeMap<String, WorkflowRun> t = runs.get(tenant);
    if (t == null) {
      return 0;
    }
    int n = 0;
    for (Iterator<WorkflowRun> it = t.values().iterator(); it.hasNext(); ) {
      WorkflowRun r = it.next();
      String k = key(tenant, r.id());
      RunEnd end = ends.get(k);
      if (end != null && end.completedAt() < endedBefore && !keep.test(r.id())) {
        it.remove();
        ends.remove(k);
        failureCalls.remove(k);
        history.remove(k);
        n++;
      }
    }
    return n;
  }

  private WorkflowRun withEnd(WorkflowRun r) {
    return r.withEnd(ends.get(key(r.tenant(), r.id())));
  }

  private static String key(String tenant, String runId) {
    return tenant + '\0' + runId;
  }
}
