package dev.postbox.core.workflow;

import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.query.RunFilter;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The workflow logs, {@code Client.logs} (docs/workflow.md): a tenant's runs newest first, each
 * with its history and what it waits on. Reads are bounded: a page looks at no more than {@link
 * #MAX_SCANNED} runs (a selective filter may so answer fewer runs than asked, with a cursor), and
 * reads the history (and, for a failed run, its failure callback's state and the DLQ entry of the
 * message that failed it) of the runs it answers. Thread-safe; blocking reads.
 */
public final class RunLogs {
  /** The most runs one page looks at. */
  static final int MAX_SCANNED = 1000;

  private final MessageStore store;
  private final FailureCalls failureCalls;

  public RunLogs(MessageStore store) {
    this.store = store;
    this.failureCalls = new FailureCalls(store);
  }

  /**
   * One page: at most {@code count} runs matching {@code filter}, strictly after {@code cursor}.
   */
  public Page<RunLog> list(String tenant, RunFilter filter, String cursor, int count) {
    List<WorkflowRun> runs;
    String next;
    if (filter.runId() != null) { // one point read, whatever the index says
      Optional<WorkflowRun> r = store.findRun(tenant, filter.runId());
      runs =
          cursor == null && r.isPresent() && filter.predicate().test(r.get())
              ? List.of(r.get())
              : List.of();
      next = null;
    } else {
      RunListing listing =
          new RunListing(
              cursor, filter.fromMs(), filter.toMs(), count, Math.max(count, MAX_SCANNED));
      Page<WorkflowRun> page = store.listRuns(tenant, listing, filter.predicate());
      runs = page.items();
      next = page.nextCursor();
    }
    List<RunLog> out = new ArrayList<>(runs.size());
    for (WorkflowRun r : runs) {
      out.add(log(r));
    }
    return new Page<>(out, next);
  }

  private RunLog log(WorkflowRun run) {
    List<HistoryEntry> history = store.readHistory(run.tenant(), run.id(), Long.MAX_VALUE);
    List<RunLog.Step> steps = new ArrayList<>(history.size());
    for (HistoryEntry e : history) {
      long at = Ids.millisOf(e.messageId());
      steps.add(new RunLog.Step(e, at < 0 ? run.createdAt() : at));
    }
    FailureCall call = failureCalls.of(run).orElse(null);
    DlqEntry failed = call == null ? null : store.findDlq(run.tenant(), call.dlqId()).orElse(null);
    String stoppedAt = run.end() == null ? null : run.end().dlqId();
    DlqEntry stopped =
        stoppedAt == null
            ? null
            : failed != null && stoppedAt.equals(failed.dlqId())
                ? failed
                : store.findDlq(run.tenant(), stoppedAt).orElse(null);
    String failedId = stopped == null ? null : stopped.message().id();
    return new RunLog(run, steps, next(run, history, failedId), call, failed, stopped);
  }

  /**
   * A going run waits on the messages of its history that are still stored (not yet delivered for
   * good); a run that failed stopped at the message that failed it ({@code failedId}, from its DLQ
   * entry while that exists; one branch of a parallel block may fail while others go on), else at
   * its last message, as a cancelled run did.
   */
  private List<RunLog.Next> next(WorkflowRun run, List<HistoryEntry> history, String failedId) {
    List<RunLog.Next> out = new ArrayList<>();
    if (history.isEmpty()) {
      return out;
    }
    RunConfig c = run.config();
    String last = history.get(history.size() - 1).messageId();
    switch (run.state()) {
      case RUN_STARTED -> {
        for (HistoryEntry e : history) {
          Optional<Message> m = store.findMessage(new MessageRef(run.tenant(), e.messageId()));
          m.ifPresent(msg -> out.add(pending(msg)));
        }
      }
      case RUN_FAILED ->
          out.add(
              new RunLog.Next(
                  failedId != null ? failedId : last,
                  RunLog.NextState.STEP_FAILED,
                  c.retries(),
                  c.retryDelay(),
                  run.end().error(),
                  run.end().completedAt()));
      case RUN_CANCELED ->
          out.add(
              new RunLog.Next(
                  last, RunLog.NextState.STEP_CANCELED, c.retries(), c.retryDelay(), null, 0));
      case RUN_SUCCESS -> {}
    }
    return out;
  }

  private static RunLog.Next pending(Message m) {
    RunLog.NextState state =
        m.retried() > 0 ? RunLog.NextState.STEP_RETRY : RunLog.NextState.STEP_PROGRESS;
    return new RunLog.Next(m.id(), state, m.maxRetries(), m.retryDelayExpression(), null, 0);
  }
}
