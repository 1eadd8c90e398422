package dev.postbox.core.workflow;

import dev.postbox.core.delivery.CallbackMessages;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.dlq.DlqService;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.Page;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What can be done with the failed messages of workflow runs, {@code /v2/workflows/dlq}
 * (docs/workflow.md): resume a run from its failed step or restart it from scratch (each as a new
 * run, in one write with the removal of its DLQ entry), publish its failure callback again, read
 * and delete entries. An entry that is not a workflow run's trigger or step is refused with 400, an
 * unknown one with 404. The methods may block on bounded store reads.
 */
public final class WorkflowDlqService {
  private final MessageStore store;
  private final RunTable runs;
  private final DlqService dlq;
  private final Clock clock;
  private final FailureCalls failureCalls;
  private final Set<String> rerunning = ConcurrentHashMap.newKeySet();

  public WorkflowDlqService(Workflows workflows, DlqService dlq, Clock clock) {
    this.store = workflows.store();
    this.runs = workflows.runs();
    this.dlq = dlq;
    this.clock = clock;
    this.failureCalls = workflows.failureCalls();
  }

  /** Where the failure callbacks of the entries' runs stand. */
  public FailureCalls failureCalls() {
    return failureCalls;
  }

  /**
   * A run made from a DLQ entry (or the run whose failure callback was published again).
   *
   * @param runId its id
   * @param createdAt its creation time, epoch ms
   */
  public record NewRun(String runId, long createdAt) {}

  /** The entry; 404 when unknown, 400 when it is not a workflow run's trigger or step. */
  public DlqEntry get(String tenant, String dlqId) {
    DlqEntry e = dlq.get(tenant, dlqId);
    if (!WorkflowDlq.isWorkflow(e.message())) {
      throw new InvalidRequestException(
          "DLQ message " + dlqId + " is not a workflow run's message (see /v2/dlq)");
    }
    return e;
  }

  public CompletableFuture<Void> delete(String tenant, String dlqId) {
    get(tenant, dlqId);
    return dlq.delete(tenant, dlqId);
  }

  /** Deletes the listed entries that exist; 400 (nothing done) if one is not a workflow entry. */
  public CompletableFuture<Integer> deleteIds(String tenant, Collection<String> dlqIds) {
    for (String id : dlqIds) {
      store.findDlq(tenant, id).ifPresent(e -> get(tenant, id));
    }
    return dlq.deleteIds(tenant, dlqIds);
  }

  public CompletableFuture<DlqService.Bulk<String>> deleteMatching(String tenant, WorkflowDlq sel) {
    return dlq.deleteMatching(tenant, sel.list().cursor(), sel.list().count(), sel.predicate());
  }

  /** Resumes ({@code resume}) or restarts the run of one entry as a new run. */
  public CompletableFuture<NewRun> rerun(
      String tenant, String dlqId, boolean resume, RunOverrides o) {
    return rerun(get(tenant, dlqId), resume, o);
  }

  /** Reruns the listed entries, each in a write of its own; 404/400 (nothing done) for a bad id. */
  public CompletableFuture<List<NewRun>> rerunIds(
      String tenant, Collection<String> dlqIds, boolean resume, RunOverrides o) {
    List<DlqEntry> entries = new ArrayList<>();
    for (String id : dlqIds) {
      entries.add(get(tenant, id));
    }
    return rerunAll(entries, resume, o);
  }

  /** Reruns up to {@code count} matching entries, oldest first, from the selection's cursor. */
  public CompletableFuture<DlqService.Bulk<NewRun>> rerunMatching(
      String tenant, WorkflowDlq sel, boolean resume, RunOverrides o) {
    Page<DlqEntry> page =
        dlq.list(tenant, sel.list().cursor(), sel.list().count(), false, sel.predicate());
    return rerunAll(page.items(), resume, o)
        .thenApply(l -> new DlqService.Bulk<>(l, dlq.moreAfter(tenant, page, sel.predicate())));
  }

  /**
   * Publishes the failure callback of the entry's run again, as it was published when the message
   * failed (docs/api.md#callbacks); the entry stays. 400 when the run has no failure callback.
   */
  public CompletableFuture<NewRun> retryFailureFunction(String tenant, String dlqId) {
    DlqEntry e = get(tenant, dlqId);
    Message m = e.message();
    String runId = WorkflowDlq.runId(m);
    if (m.failureCallback() == null) {
      throw new InvalidRequestException(
          "workflow run " + runId + " of DLQ message " + dlqId + " has no failure function or URL");
    }
    long createdAt = createdAt(m, tenant, runId);
    DeliveryResponse failed =
        new DeliveryResponse(e.responseStatus(), e.responseHeaders(), e.responseBody(), e.error());
    Message callback =
        CallbackMessages.afterFailure(m, failed, dlqId, clock.millis()).toBuilder()
            .withQueueName(null) // the failed message no longer holds a queue slot
            .build();
    StoreBatch b = new StoreBatch().putFailureCall(FailureCall.published(runId, dlqId, callback));
    return dlq.commitNew(List.of(callback), b).thenApply(v -> new NewRun(runId, createdAt));
  }

  private long createdAt(Message m, String tenant, String runId) {
    String v = WorkflowDlq.createdAt(m);
    if (v != null) {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        // read the run instead
      }
    }
    return store.findRun(tenant, runId).map(WorkflowRun::createdAt).orElse(0L);
  }

  private CompletableFuture<List<NewRun>> rerunAll(
      List<DlqEntry> entries, boolean resume, RunOverrides o) {
    List<CompletableFuture<NewRun>> all = new ArrayList<>();
    for (DlqEntry e : entries) {
      all.add(rerun(e, resume, o));
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
  }

  /**
   * One rerun: the new run, its history, the message to deliver and the removal of the DLQ entry in
   * one write. An entry is rerun once: a second request while the first is being written is refused
   * with 400, and one after it finds the entry gone (404).
   */
  private CompletableFuture<NewRun> rerun(DlqEntry e, boolean resume, RunOverrides o) {
    String tenant = e.tenant();
    String claim = tenant + '\0' + e.dlqId();
    if (!rerunning.add(claim)) {
      throw new InvalidRequestException(
          "DLQ message " + e.dlqId() + " is being resumed or restarted already");
    }
    try {
      DlqEntry current = dlq.get(tenant, e.dlqId()); // gone if a rerun just finished
      String oldRunId = WorkflowDlq.runId(current.message());
      WorkflowRun old =
          store
              .findRun(tenant, oldRunId)
              .orElseThrow(() -> new NotFoundException("workflow run " + oldRunId + " not found"));
      List<HistoryEntry> history = store.readHistory(tenant, oldRunId, Long.MAX_VALUE);
      if (history.isEmpty()) {
        throw new NotFoundException("the history of workflow run " + oldRunId + " is gone");
      }
      long now = clock.millis();
      String runId = Reruns.newRunId();
      Reruns.Rerun r =
          resume
              ? Reruns.resume(old, history, current.message(), runId, now, o)
              : Reruns.restart(old, history.get(0), current.message(), runId, now, o);
      CompletableFuture<Void> write = submit(r, current);
      return write.handle(
          (v, err) -> {
            rerunning.remove(claim);
            if (err != null) {
              throw err instanceof RuntimeException re ? re : new IllegalStateException(err);
            }
            return new NewRun(runId, now);
          });
    } catch (RuntimeException ex) {
      rerunning.remove(claim);
      throw ex;
    }
  }

  /** Submits the rerun's write holding the new run's entry, as every change to a run is made. */
  private CompletableFuture<Void> submit(Reruns.Rerun r, DlqEntry entry) {
    RunTable.LiveRun lr = runs.get(entry.tenant(), r.run().id());
    synchronized (lr) {
      if (lr.run != null) {
        throw new IllegalStateException("new workflow run id " + r.run().id() + " already used");
      }
      StoreBatch b = new StoreBatch().putWorkflowRun(r.run());
      r.history().forEach(b::putHistoryEntry);
      b.deleteDlq(entry.tenant(), entry.dlqId());
      CompletableFuture<Void> write;
      try {
        write = dlq.commitNew(List.of(r.message()), b);
      } catch (RuntimeException ex) {
        runs.forget(lr);
        throw ex;
      }
      lr.run = r.run();
      lr.nextSeq = r.history().size();
      lr.lastWrite = write;
      return write.whenComplete(
          (v, err) -> {
            if (err != null) {
              runs.forget(lr); // memory ran ahead of the store: read the run again next time
            }
          });
    }
  }
}
