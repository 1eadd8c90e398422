package dev.postbox.core.testing;

import dev.postbox.core.store.StoreOp;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.RunEnd;
import dev.postbox.core.workflow.WorkflowRun;
import java.util.ArrayList;
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
  private final Map<String, TreeMap<Long, HistoryEntry>> history = new HashMap<>();

  /** Applies a workflow operation; false when {@code op} is not one. */
  boolean apply(StoreOp op) {
    if (op instanceof StoreOp.PutWorkflowRun p) {
      WorkflowRun r = p.run();
      runs.computeIfAbsent(r.tenant(), t -> new TreeMap<>()).put(r.id(), r.started());
    } else if (op instanceof StoreOp.PutWorkflowRunEnd e) {
      ends.put(key(e.tenant(), e.runId()), e.end());
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

  List<HistoryEntry> readHistory(String tenant, String runId, long upToSeq) {
    TreeMap<Long, HistoryEntry> h = history.get(key(tenant, runId));
    return h == null ? List.of() : new ArrayList<>(h.headMap(upToSeq, true).values());
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
