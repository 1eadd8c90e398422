package dev.postbox.core.workflow;

import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.publish.DedupRecord;
import dev.postbox.core.publish.Deduplication;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Workflow runs (docs/workflow.md): a trigger creates a run, each step appends to its history, and
 * the SDK ends the run. Every change is one atomic write: a trigger stores the run, its first
 * history entry and its message together; a step its history entry and its message; an end the
 * run's end record, the cancels of its pending messages and, for a run started by {@code
 * context.invoke}, the Invoke step of the run that invoked it ({@link Invocations}). Thread-safe;
 * the methods may block on bounded store reads (the first use of a run since the start reads it).
 */
public final class WorkflowService {
  private final MessageStore store;
  private final RunTable runs;
  private final WaitTable waits;
  private final PublishService publish;
  private final Dispatcher dispatcher;
  private final Clock clock;
  private final RunLogs logs;

  /**
   * Cancels the pending messages of a run that a step failed on the thread that records the
   * failure's outcome (as where the store commits synchronously: tests).
   */
  public WorkflowService(
      Workflows workflows, PublishService publish, Dispatcher dispatcher, Clock clock) {
    this(workflows, publish, dispatcher, clock, Runnable::run);
  }

  /**
   * @param cancels where the pending messages of a run that a step failed are cancelled once its
   *     end is on disk (blocking reads and a write; see {@link PendingCancels})
   */
  public WorkflowService(
      Workflows workflows,
      PublishService publish,
      Dispatcher dispatcher,
      Clock clock,
      Executor cancels) {
    this.store = workflows.store();
    this.runs = workflows.runs();
    this.waits = workflows.waits();
    this.publish = publish;
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.logs = new RunLogs(store);
    runs.onEnded(new PendingCancels(store, dispatcher, cancels)::afterEnd);
  }

  /** The workflow logs of every tenant's runs. */
  public RunLogs logs() {
    return logs;
  }

  /**
   * Stores a workflow message (a publish or batch entry with a run id). A trigger ({@code
   * Upstash-Workflow-Init: true}) of a run that exists stores nothing and is answered with the
   * run's trigger, marked deduplicated. Any other message appends to its run, or is refused with
   * 400 when the run does not exist or has ended. Refuses with 507 when the storage quota is
   * reached.
   */
  public CompletableFuture<Deduplication.Published> publish(Message m, WorkflowHeaders h) {
    publish.checkQuota();
    return publishTo(runs.get(m.tenant(), h.runId()), m, h);
  }

  /**
   * Like {@link #publish(Message, WorkflowHeaders)}, without blocking the caller (an event loop): a
   * run not in memory is read on {@code reads} first.
   */
  public CompletableFuture<Deduplication.Published> publish(
      Message m, WorkflowHeaders h, Executor reads) {
    publish.checkQuota();
    RunTable.LiveRun known = runs.peek(m.tenant(), h.runId());
    if (known != null) {
      return publishTo(known, m, h);
    }
    return CompletableFuture.supplyAsync(() -> runs.get(m.tenant(), h.runId()), reads)
        .thenCompose(lr -> publishTo(lr, m, h));
  }

  private CompletableFuture<Deduplication.Published> publishTo(
      RunTable.LiveRun lr, Message m, WorkflowHeaders h) {
    Message stored;
    CompletableFuture<Void> write;
    synchronized (lr) {
      try {
        StoreBatch b = new StoreBatch();
        long seq;
        boolean asksSdk = false;
        if (h.init()) {
          boolean sdkTrigger = awaitsSdkTrigger(lr);
          if (lr.run != null && !sdkTrigger) {
            DedupRecord.Accepted first =
                new DedupRecord.Accepted(lr.run.triggerMessageId(), lr.run.url());
            return CompletableFuture.completedFuture(
                new Deduplication.Published(List.of(first), true));
          }
          if (sdkTrigger) {
            stored = StepMessages.forSdkTrigger(m, lr.run, h);
          } else {
            Invocations.Request invoke =
                Invocations.isInvoke(m) ? Invocations.parse(m, clock.millis()) : null;
            if (invoke != null) {
              m = m.toBuilder().withBody(invoke.payload()).build(); // the invoked run's payload
            }
            WorkflowRun run = StepMessages.start(m, h);
            asksSdk = invoke == null && TriggerService.isServerTrigger(m);
            lr.run =
                invoke != null
                    ? run.withInvoker(invoke.invoker())
                    : asksSdk ? run.asServerTriggered() : run;
            b.putWorkflowRun(lr.run);
            Message own = StepMessages.forRun(m, lr.run, h);
            stored = asksSdk ? TriggerService.triggerMessage(own, lr.run) : own;
          }
          seq = 0;
          lr.nextSeq = asksSdk ? 0 : 1;
        } else {
          requireGoing(lr);
          seq = lr.nextSeq++;
          stored = StepMessages.forRun(m, lr.run, h);
        }
        if (!asksSdk) { // else its first entry is the trigger the SDK publishes when asked to
          b.putHistoryEntry(
              new HistoryEntry(m.tenant(), h.runId(), seq, stored.id(), m.body(), h.callType()));
        }
        write = publish.acceptWith(List.of(stored), b); // submitted in the run's order
        lr.lastWrite = write;
      } catch (RuntimeException e) {
        if (!(e instanceof InvalidRequestException)) {
          runs.forget(lr); // nothing was submitted, but memory may have moved on
        }
        throw e;
      }
    }
    return write.handle(
        (v, err) -> {
          if (err != null) {
            runs.forget(lr); // memory ran ahead of the store: read the run again next time
            throw err instanceof RuntimeException re ? re : new IllegalStateException(err);
          }
          return new Deduplication.Published(
              List.of(new DedupRecord.Accepted(stored.id(), stored.url())), false);
        });
  }

  /**
   * A run started with {@code POST /v2/trigger}, or by a trigger whose headers carry {@code
   * Upstash-Workflow-Unknown-Sdk: true} (the endpoint is then asked to trigger the run itself, as
   * for {@code POST /v2/trigger}), whose SDK has not yet published the run's first history entry
   * (its own trigger, which this run then takes as its start).
   */
  private static boolean awaitsSdkTrigger(RunTable.LiveRun lr) {
    return lr.run != null && lr.run.serverTriggered() && !lr.run.ended() && lr.nextSeq == 0;
  }

  /** The run's history (for the SDK's lazy fetch); 404 when the run is unknown or has ended. */
  public List<HistoryEntry> history(String tenant, String runId) {
    RunTable.LiveRun lr = runs.get(tenant, runId);
    synchronized (lr) {
      if (lr.run == null || lr.run.ended()) {
        throw new NotFoundException(
            "workflow run " + runId + (lr.run == null ? " not found" : " has ended"));
      }
    }
    return store.readHistory(tenant, runId, Long.MAX_VALUE);
  }

  /**
   * Ends a run: RUN_CANCELED when {@code cancel}, else RUN_SUCCESS with {@code response} (the
   * workflow's return value) kept; its pending messages are cancelled in the same write. 404 for an
   * unknown run. A run that has already ended is left as it is and the call succeeds: the SDK may
   * end a run twice (its own tests expect the second end to succeed), and answering it with an
   * error would make it retry or report a failure for a run that is done.
   */
  public CompletableFuture<Void> end(String tenant, String runId, boolean cancel, byte[] response) {
    RunTable.LiveRun lr = runs.get(tenant, runId);
    CompletableFuture<Boolean> ended =
        tryEnd(
            lr,
            cancel
                ? new RunEnd(WorkflowState.RUN_CANCELED, clock.millis(), null, null)
                : new RunEnd(WorkflowState.RUN_SUCCESS, clock.millis(), response, null));
    if (ended == null) {
      synchronized (lr) {
        if (lr.run == null) {
          throw new NotFoundException("workflow run " + runId + " not found");
        }
        return lr.lastWrite.exceptionally(e -> null).thenApply(x -> null); // ended already
      }
    }
    return ended.thenApply(x -> null);
  }

  /** Cancels the listed runs that are going on; completes with how many it cancelled. */
  public CompletableFuture<Integer> cancelIds(String tenant, Collection<String> runIds) {
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    for (String id : runIds) {
      CompletableFuture<Boolean> f = tryEnd(runs.get(tenant, id), canceled());
      if (f != null) {
        all.add(f);
      }
    }
    return count(all);
  }

  /** Cancels up to {@code limit} going runs that match, in run-id order. */
  public CompletableFuture<Integer> cancelMatching(
      String tenant, Predicate<WorkflowRun> filter, int limit) {
    return cancelMatching(tenant, null, filter, limit);
  }

  /**
   * Cancels up to {@code limit} going runs that match, in run-id order, from the first run id after
   * {@code afterRunId} (null: from the start).
   */
  public CompletableFuture<Integer> cancelMatching(
      String tenant, String afterRunId, Predicate<WorkflowRun> filter, int limit) {
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    for (WorkflowRun r :
        store.scanRuns(tenant, afterRunId, limit, r -> !r.ended() && filter.test(r))) {
      CompletableFuture<Boolean> f = tryEnd(runs.get(tenant, r.id()), canceled());
      if (f != null) {
        all.add(f);
      }
    }
    return count(all);
  }

  private RunEnd canceled() {
    return new RunEnd(WorkflowState.RUN_CANCELED, clock.millis(), null, null);
  }

  /** Ends a going run in one write; null (nothing done) when it is unknown or has ended. */
  private CompletableFuture<Boolean> tryEnd(RunTable.LiveRun lr, RunEnd end) {
    RunTable.LiveRun invoker = invokerOf(lr); // read before taking lr's monitor
    synchronized (lr) {
      if (lr.run == null || lr.run.ended()) {
        return null;
      }
      lr.awaitWrites(); // its last step and callbacks must be readable below
      Set<MessageRef> refs = PendingCancels.ofRun(lr, store);
      StoreBatch b = new StoreBatch().putWorkflowRunEnd(lr.tenant, lr.runId, end);
      waits.dropRun(lr.tenant, lr.runId, b); // its waiters and kept events end with it
      dispatcher.cancelInto(refs, b);
      Message toInvoker =
          invoker == null
              ? null
              : Invocations.appendToInvoker(invoker, lr.run.invoker(), end, b, clock.millis());
      lr.run = lr.run.withEnd(end);
      CompletableFuture<Void> write = store.commit(b, Durability.SYNC);
      lr.lastWrite = write;
      if (invoker != null) { // it may have got a history entry, even if it has ended
        synchronized (invoker) {
          invoker.lastWrite = write;
        }
      }
      return write.handle(
          (v, err) -> {
            if (err != null) {
              runs.forget(lr);
              if (invoker != null) {
                runs.forget(invoker);
              }
              throw err instanceof RuntimeException re ? re : new IllegalStateException(err);
            }
            dispatcher.cancelCommitted(b);
            if (toInvoker != null) {
              dispatcher.notifyDue(toInvoker.dueAt());
            }
            return true;
          });
    }
  }

  /** The run that invoked {@code lr}'s run and waits for its end, or null. May read the store. */
  private RunTable.LiveRun invokerOf(RunTable.LiveRun lr) {
    Invoker i;
    synchronized (lr) {
      i = lr.run == null || lr.run.ended() ? null : lr.run.invoker();
    }
    return i == null ? null : runs.get(lr.tenant, i.runId());
  }

  private static CompletableFuture<Integer> count(List<CompletableFuture<Boolean>> all) {
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> (int) all.stream().filter(CompletableFuture::join).count());
  }

  private static void requireGoing(RunTable.LiveRun lr) {
    if (lr.run == null) {
      throw new InvalidRequestException(
          "workflow run "
              + lr.runId
              + " does not exist: its trigger needs Upstash-Workflow-Init:"
              + " true");
    }
    if (lr.run.ended()) {
      throw new InvalidRequestException(
          "can not append to workflow run " + lr.runId + ": it has ended (" + lr.run.state() + ")");
    }
  }
}
