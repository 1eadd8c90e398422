package dev.postbox.core.workflow;

import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The new run that takes over a failed one from the DLQ (docs/workflow.md). A resume copies the
 * whole history, so the SDK replays the steps that succeeded, and delivers the failed message again
 * under the new run; a restart keeps only the initial payload and delivers the trigger again. The
 * new run has a new id and creation time, which replace the old ones in every header (its messages,
 * their callbacks and the failure callback); the overrides apply to the new run and its message.
 */
final class Reruns {
  private static final char[] RUN_ID_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".toCharArray();

  private Reruns() {}

  /**
   * What one rerun writes: the run, its history and the message to deliver, in one write.
   *
   * @param run the new run
   * @param history its history entries, in order from 0
   * @param message the message delivered first
   */
  record Rerun(WorkflowRun run, List<HistoryEntry> history, Message message) {}

  /** A run id as the SDK makes them: {@code wfr_} and 21 random characters. */
  static String newRunId() {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    char[] out = new char[21];
    for (int i = 0; i < out.length; i++) {
      out[i] = RUN_ID_CHARS[rnd.nextInt(RUN_ID_CHARS.length)];
    }
    return "wfr_" + new String(out);
  }

  /**
   * Continues {@code old} from {@code failed}: every history entry is copied (with a new message
   * id), the failed message's entry getting the id of the message delivered again, so its delivery
   * carries the history up to it. A failed message missing from the history (a copy retried from
   * the plain DLQ) has no entry of its own and is delivered with the whole history.
   */
  static Rerun resume(
      WorkflowRun old,
      List<HistoryEntry> history,
      Message failed,
      String runId,
      long now,
      RunOverrides o) {
    String messageId = Ids.messageId();
    List<String> ids = new ArrayList<>();
    for (HistoryEntry e : history) {
      ids.add(e.messageId().equals(failed.id()) ? messageId : Ids.messageId());
    }
    String triggerId = ids.isEmpty() ? messageId : ids.get(0);
    WorkflowRun run = run(old, runId, triggerId, now, o);
    List<HistoryEntry> copied = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      HistoryEntry e = history.get(i);
      copied.add(new HistoryEntry(old.tenant(), runId, i, ids.get(i), e.body(), e.callType()));
    }
    Message m = message(failed, run, messageId, now, o).build();
    return new Rerun(run, copied, m);
  }

  /**
   * Starts {@code old} again: its initial payload ({@code first}, history entry 0) is the new run's
   * only entry, and the trigger is delivered again to the workflow URL, made from {@code template}
   * (a failed message of the run, whose headers are those of its steps).
   */
  static Rerun restart(
      WorkflowRun old,
      HistoryEntry first,
      Message template,
      String runId,
      long now,
      RunOverrides o) {
    String messageId = Ids.messageId();
    WorkflowRun run = run(old, runId, messageId, now, o);
    HistoryEntry entry =
        new HistoryEntry(old.tenant(), runId, 0, messageId, first.body(), first.callType());
    Message.Builder b = message(template, run, messageId, now, o);
    Map<String, List<String>> headers = new LinkedHashMap<>(b.build().headers());
    headers.keySet().removeIf(k -> k.equalsIgnoreCase(WorkflowHeaders.CALL_TYPE));
    Message m =
        b.withUrl(old.url()).withCallback(null).withHeaders(headers).withBody(first.body()).build();
    return new Rerun(run, List.of(entry), m);
  }

  private static WorkflowRun run(
      WorkflowRun old, String runId, String triggerId, long now, RunOverrides o) {
    RunConfig c = old.config();
    RunConfig config =
        new RunConfig(
            o.retries() != null ? o.retries() : c.retries(),
            c.retryDelay(),
            o.flowControl() != null ? o.flowControl() : c.flowControl(),
            rebind(c.failureCallback(), runId, now),
            c.forwardHeaders(),
            c.label());
    return new WorkflowRun(
        old.tenant(),
        runId,
        old.url(),
        now,
        triggerId,
        old.invokeCount(),
        old.detectTrigger(),
        config,
        null);
  }

  /** The message as a new message of {@code run}: new id, due now, no attempts made yet. */
  private static Message.Builder message(
      Message m, WorkflowRun run, String id, long now, RunOverrides o) {
    Message.Builder b =
        m.toBuilder()
            .withId(id)
            .withRetried(0)
            .withCreatedAt(now)
            .withNotBefore(now)
            .withDueAt(now)
            .withHeaders(rebind(m.headers(), run.id(), run.createdAt()))
            .withCallback(rebind(m.callback(), run.id(), run.createdAt()))
            .withFailureCallback(rebind(m.failureCallback(), run.id(), run.createdAt()));
    if (o.retries() != null) {
      b.withMaxRetries(o.retries());
    }
    if (o.flowControl() != null) {
      b.withFlowControl(o.flowControl());
    }
    return b;
  }

  private static CallbackSpec rebind(CallbackSpec spec, String runId, long createdAt) {
    if (spec == null) {
      return null;
    }
    return spec.withHeaders(rebind(spec.headers(), runId, createdAt));
  }

  /**
   * The headers with the run id and creation time replaced, under any name that ends with their
   * header's (so the forwarded forms too), keeping each name's spelling and place.
   */
  static Map<String, List<String>> rebind(
      Map<String, List<String>> headers, String runId, long createdAt) {
    String runIdName = WorkflowHeaders.RUN_ID.toLowerCase(Locale.ROOT);
    String createdAtName = WorkflowHeaders.CREATED_AT.toLowerCase(Locale.ROOT);
    Map<String, List<String>> out = new LinkedHashMap<>();
    headers.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          if (lower.endsWith(runIdName)) {
            out.put(name, List.of(runId));
          } else if (lower.endsWith(createdAtName)) {
            out.put(name, List.of(Long.toString(createdAt)));
          } else {
            out.put(name, values);
          }
        });
    return out;
  }
}
