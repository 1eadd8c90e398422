package dev.postbox.core.workflow;

import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.store.StoreBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v2/trigger/{workflowUrl}} (docs/workflow.md): the server starts a run without the
 * SDK's client. The run is stored with the request's configuration and the request's body as its
 * first history entry, and its first step goes to the workflow endpoint as if {@code
 * Client.trigger} had started it. A request with {@code Upstash-Workflow-Unknown-Sdk: true} instead
 * asks the endpoint, with that header, to trigger the run itself: the SDK publishes the run's first
 * history entry ({@code Upstash-Workflow-Init: true}, same run id), which the run takes as its
 * start (one more call of the endpoint). A destination that does not answer as a workflow endpoint
 * fails the run ({@code WF_DetectTrigger}), and so does one whose SDK predates this request ({@link
 * WorkflowDeliveries#NOT_TRIGGERED_BY_SDK}). Thread-safe; may block on bounded store reads.
 */
public final class TriggerService {
  /** Asks the workflow endpoint to publish the run's trigger itself. */
  public static final String UNKNOWN_SDK = "Upstash-Workflow-Unknown-Sdk";

  private static final Set<String> FEATURES =
      Set.of(WorkflowHeaders.DETECT_TRIGGER, WorkflowHeaders.TRIGGER_ON_CONFIG);

  /**
   * A triggered run.
   *
   * @param runId its id
   * @param createdAt its creation time, epoch ms
   * @param deduplicated the run existed already: nothing was started
   */
  public record Triggered(String runId, long createdAt, boolean deduplicated) {}

  private final RunTable runs;
  private final PublishService publish;

  public TriggerService(Workflows workflows, PublishService publish) {
    this.runs = workflows.runs();
    this.publish = publish;
  }

  /**
   * Whether a stored message asks the workflow endpoint to trigger its run itself: the trigger
   * message of a run started by this service, or a trigger published with that header forwarded.
   */
  static boolean isServerTrigger(Message m) {
    String v = WorkflowHeaders.first(m.headers(), UNKNOWN_SDK);
    return v != null && v.trim().equalsIgnoreCase("true");
  }

  /** A new run id: {@code wfr_} and 24 alphanumerics that sort in creation order. */
  public static String newRunId() {
    return "wfr_" + Ids.messageId().substring("msg_".length());
  }

  /**
   * Starts a run. {@code request} is the request as a message to the workflow URL (its options from
   * its headers, its body the run's payload). A run id that exists starts nothing and is answered
   * as deduplicated. Refuses with 507 when the storage quota is reached.
   */
  public CompletableFuture<Triggered> trigger(Message request, String runId) {
    publish.checkQuota();
    String id = runId != null ? runId : newRunId();
    RunTable.LiveRun lr = runs.get(request.tenant(), id);
    WorkflowRun run;
    CompletableFuture<Void> write;
    synchronized (lr) {
      if (lr.run != null) {
        return CompletableFuture.completedFuture(new Triggered(id, lr.run.createdAt(), true));
      }
      Message m =
          request.toBuilder().withFailureCallback(forTheSdk(request.failureCallback())).build();
      WorkflowHeaders h = new WorkflowHeaders(id, true, m.url(), WorkflowHeaders.STEP, FEATURES);
      run = StepMessages.start(m, h).asServerTriggered();
      boolean asksSdk = isServerTrigger(m);
      StoreBatch batch = new StoreBatch().putWorkflowRun(run);
      Message first;
      if (asksSdk) {
        first = triggerMessage(m, run);
      } else { // started here: the payload is its first history entry, as the SDK's trigger is
        first = StepMessages.forRun(asFirstStep(m, run), run, h);
        batch.putHistoryEntry(
            new HistoryEntry(m.tenant(), id, 0, first.id(), m.body(), WorkflowHeaders.STEP));
      }
      try {
        write = publish.acceptWith(List.of(first), batch);
      } catch (RuntimeException e) {
        runs.forget(lr);
        throw e;
      }
      lr.run = run;
      lr.nextSeq = asksSdk ? 0 : 1;
      lr.lastWrite = write;
    }
    return write.handle(
        (v, err) -> {
          if (err != null) {
            runs.forget(lr);
            throw err instanceof RuntimeException re ? re : new IllegalStateException(err);
          }
          return new Triggered(id, run.createdAt(), false);
        });
  }

  /** Starts several runs, each in its own write; the results in the order given. */
  public CompletableFuture<List<Triggered>> triggerAll(
      List<Message> requests, List<String> runIds) {
    List<CompletableFuture<Triggered>> all = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      all.add(trigger(requests.get(i), runIds.get(i)));
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
  }

  /**
   * The request as the run's first step, with the headers the SDK's own trigger gives it (so that
   * the SDK reads its delivery as a step of a run, not as a new run's first call).
   */
  private static Message asFirstStep(Message m, WorkflowRun run) {
    Map<String, List<String>> headers = new LinkedHashMap<>(m.headers());
    StepMessages.set(headers, "Upstash-Workflow-Init", "true");
    StepMessages.set(headers, "Upstash-Workflow-Url", run.url());
    StepMessages.set(headers, WorkflowHeaders.SDK_VERSION, "1");
    return m.toBuilder().withHeaders(headers).build();
  }

  /**
   * The run's trigger message: the request with the run's headers and, as its body, the history the
   * SDK reads when asked to trigger (the payload as entry 0), since the run has no history until
   * the SDK's own trigger comes.
   */
  static Message triggerMessage(Message m, WorkflowRun run) {
    Map<String, List<String>> headers = new LinkedHashMap<>(m.headers());
    StepMessages.set(headers, WorkflowHeaders.RUN_ID, run.id());
    StepMessages.set(headers, WorkflowHeaders.CREATED_AT, Long.toString(run.createdAt()));
    StepMessages.set(headers, UNKNOWN_SDK, "true");
    if (run.config().label() != null) {
      StepMessages.set(headers, WorkflowHeaders.LABEL, run.config().label());
    }
    HistoryEntry payload =
        new HistoryEntry(m.tenant(), run.id(), 0, m.id(), m.body(), WorkflowHeaders.STEP);
    return m.toBuilder()
        .withHeaders(headers)
        .withBody(HistoryJson.encode(List.of(payload)))
        .withFailureCallback(run.config().failureCallback())
        .build();
  }

  /**
   * The failure callback marked as one for the SDK, which otherwise takes its delivery for a new
   * run's first call (the SDK's own trigger sends these marks with {@code
   * Upstash-Failure-Callback-Forward-*}).
   */
  private static CallbackSpec forTheSdk(CallbackSpec spec) {
    if (spec == null) {
      return null;
    }
    Map<String, List<String>> headers = new LinkedHashMap<>(spec.headers());
    headers.putIfAbsent("Upstash-Workflow-Is-Failure", List.of("true"));
    headers.putIfAbsent("Upstash-Workflow-Failure-Callback", List.of("true"));
    return spec.withHeaders(headers);
  }
}
