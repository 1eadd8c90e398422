package dev.postbox.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.workflow.FailureCall;
import dev.postbox.core.workflow.RunConfig;
import dev.postbox.core.workflow.RunLog;
import dev.postbox.core.workflow.WorkflowHeaders;
import dev.postbox.core.workflow.WorkflowRun;
import dev.postbox.core.workflow.WorkflowState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A {@link RunLog} as the SDK's {@code WorkflowRunLog} (docs/workflow.md): the run's fields and its
 * steps in groups. Entry 0 is the {@code init} step with the initial payload as {@code out}; every
 * other step entry is decoded from the JSON the SDK published. A parallel block (its plan steps,
 * {@code stepId} 0 with a {@code targetStep}, and their results) is one {@code parallel} group of
 * its results in step order; other steps are one {@code sequential} group each; the messages the
 * run waits on (or stopped at) are a trailing {@code next} group, but a branch of a parallel block
 * that failed the run is shown failed in its block. Entries of another call type than {@code step}
 * (a {@code context.call}'s request and callback) are not listed as steps.
 */
final class WorkflowLogView {
  /** Step fields copied as the SDK published them, when present. */
  private static final List<String> EXTRAS =
      List.of(
          "sleepFor",
          "sleepUntil",
          "callUrl",
          "callMethod",
          "callHeaders",
          "callBody",
          "waitEventId",
          "waitTimeout",
          "waitTimeoutDuration",
          "waitTimeoutDeadline",
          "invokedWorkflowRunId",
          "invokedWorkflowUrl",
          "invokedWorkflowCreatedAt",
          "invokedWorkflowRunBody",
          "invokedWorkflowRunHeaders");

  private WorkflowLogView() {}

  static ObjectNode run(RunLog log) {
    WorkflowRun r = log.run();
    ObjectNode o = Json.object();
    o.put("workflowRunId", r.id());
    o.put("workflowUrl", r.url());
    o.put("workflowState", r.state().name());
    o.put("workflowRunCreatedAt", r.createdAt());
    if (r.end() != null) {
      o.put("workflowRunCompletedAt", r.end().completedAt());
      if (r.state() == WorkflowState.RUN_SUCCESS && r.end().response().length > 0) {
        o.put("workflowRunResponse", new String(r.end().response(), StandardCharsets.UTF_8));
      }
    }
    if (r.end() != null && r.end().dlqId() != null) {
      o.put("dlqId", r.end().dlqId());
    }
    if (log.failureCall() != null) {
      o.set("failureFunction", failureFunction(log.failureCall(), log.failed()));
    }
    if (r.invoker() != null) {
      ObjectNode i = o.putObject("invoker");
      i.put("workflowRunId", r.invoker().runId());
      i.put("workflowUrl", r.invoker().url());
      i.put("workflowRunCreatedAt", r.invoker().createdAt());
    }
    String label = r.config().label();
    if (label != null) {
      String[] labels = label.split(",");
      o.put("label", labels[0]);
      ArrayNode all = o.putArray("labels");
      for (String l : labels) {
        all.add(l);
      }
    }
    ArrayNode groups = o.putArray("steps");
    RunLog.Next inBlock = steps(log, groups);
    List<RunLog.Next> next = log.next().stream().filter(n -> n != inBlock).toList();
    if (!next.isEmpty()) {
      ObjectNode g = groups.addObject();
      ArrayNode steps = g.putArray("steps");
      next.forEach(n -> steps.add(next(n, log)));
      g.put("type", "next");
    }
    return o;
  }

  /**
   * The SDK's {@code FailureFunctionLog}: the failure callback's message, URL and state, what the
   * failed message's last attempt answered (from its DLQ entry, while it exists) and, once the
   * callback was attempted, its last answer.
   */
  private static ObjectNode failureFunction(FailureCall c, DlqEntry failed) {
    ObjectNode o = Json.object();
    o.put("messageId", c.messageId());
    o.put("url", c.url());
    o.put("state", c.state().name());
    if (failed != null) {
      o.set("failHeaders", headers(failed.responseHeaders()));
      o.put("failStatus", failed.responseStatus());
      o.put("failResponse", new String(failed.responseBody(), StandardCharsets.UTF_8));
    }
    o.put("dlqId", c.dlqId());
    if (c.responseStatus() > 0) {
      o.put("responseStatus", c.responseStatus());
      o.set("responseHeaders", headers(c.responseHeaders()));
      o.put("responseBody", new String(c.responseBody(), StandardCharsets.UTF_8));
    }
    return o;
  }

  private static ObjectNode headers(Map<String, List<String>> h) {
    ObjectNode o = Json.object();
    h.forEach(
        (k, v) -> {
          ArrayNode a = o.putArray(k);
          v.forEach(a::add);
        });
    return o;
  }

  /**
   * Adds the groups of the run's steps; returns the failed message shown in its parallel block (the
   * plan step of the branch that failed the run), or null.
   */
  private static RunLog.Next steps(RunLog log, ArrayNode groups) {
    RunConfig c = log.run().config();
    RunLog.Next failed =
        log.next().stream()
            .filter(n -> n.state() == RunLog.NextState.STEP_FAILED)
            .findFirst()
            .orElse(null);
    RunLog.Next shown = null;
    List<ObjectNode> block = new ArrayList<>(); // results of the parallel block being read
    boolean inBlock = false;
    boolean results = false; // the block being read has results: a plan step starts another
    for (int i = 0; i < log.steps().size(); i++) {
      RunLog.Step s = log.steps().get(i);
      if (i == 0) {
        group(groups, "sequential", List.of(init(s)));
        continue;
      }
      if (!WorkflowHeaders.STEP.equals(s.entry().callType())) {
        continue;
      }
      JsonNode body = decode(s.entry().body());
      int concurrent = body.path("concurrent").asInt(1);
      boolean plan = body.path("stepId").asInt(-1) == 0 && body.has("targetStep");
      if (concurrent > 1) {
        if (plan && results) { // a new block right after another one
          flush(groups, block);
          results = false;
        }
        inBlock = true;
        if (!plan) {
          block.add(step(s, body, c));
          results = true;
        } else if (failed != null && failed.messageId().equals(s.entry().messageId())) {
          block.add(failedBranch(s, body, failed, log));
          shown = failed;
        }
        continue;
      }
      if (inBlock) {
        flush(groups, block);
        inBlock = false;
        results = false;
      }
      group(groups, "sequential", List.of(step(s, body, c)));
    }
    flush(groups, block);
    return shown;
  }

  /**
   * The branch of a parallel block whose plan step failed the run: its name and type from the plan,
   * its place in the block as its {@code stepId}, failed with the run's error.
   */
  private static ObjectNode failedBranch(
      RunLog.Step s, JsonNode plan, RunLog.Next failed, RunLog log) {
    ObjectNode o = next(failed, log);
    o.set("stepId", plan.get("targetStep"));
    o.put("stepName", plan.path("stepName").asText(""));
    o.put("stepType", plan.path("stepType").asText(""));
    o.put("callType", s.entry().callType());
    o.put("concurrent", plan.path("concurrent").asInt(1));
    o.put("createdAt", s.createdAt());
    return o;
  }

  private static void flush(ArrayNode groups, List<ObjectNode> block) {
    if (!block.isEmpty()) {
      block.sort(Comparator.comparingInt(n -> n.path("stepId").asInt()));
      group(groups, "parallel", block);
      block.clear();
    }
  }

  private static void group(ArrayNode groups, String type, List<ObjectNode> steps) {
    ObjectNode g = groups.addObject();
    ArrayNode a = g.putArray("steps");
    steps.forEach(a::add);
    g.put("type", type);
  }

  private static ObjectNode init(RunLog.Step s) {
    ObjectNode o = Json.object();
    o.put("stepId", 0);
    o.put("stepName", "init");
    o.put("stepType", "Initial");
    o.put("callType", s.entry().callType());
    o.put("messageId", s.entry().messageId());
    o.put("out", new String(s.entry().body(), StandardCharsets.UTF_8));
    o.put("concurrent", 1);
    o.put("state", "STEP_SUCCESS");
    o.put("createdAt", s.createdAt());
    return o;
  }

  private static ObjectNode step(RunLog.Step s, JsonNode body, RunConfig c) {
    ObjectNode o = Json.object();
    if (body.has("stepId")) {
      o.set("stepId", body.get("stepId"));
    }
    o.put("stepName", body.path("stepName").asText(""));
    o.put("stepType", body.path("stepType").asText(""));
    o.put("callType", s.entry().callType());
    o.put("messageId", s.entry().messageId());
    if (body.has("out")) {
      o.set("out", body.get("out"));
    }
    o.put("concurrent", body.path("concurrent").asInt(1));
    o.put("state", "STEP_SUCCESS");
    o.put("createdAt", s.createdAt());
    o.put("retries", c.retries());
    if (c.retryDelay() != null) {
      o.put("retryDelay", c.retryDelay());
    }
    for (String f : EXTRAS) {
      if (body.has(f)) {
        o.set(f, body.get(f));
      }
    }
    return o;
  }

  private static ObjectNode next(RunLog.Next n, RunLog log) {
    ObjectNode o = Json.object();
    o.put("messageId", n.messageId());
    o.put("state", n.state().name());
    o.put("retries", n.retries());
    if (n.retryDelay() != null) {
      o.put("retryDelay", n.retryDelay());
    }
    if (n.error() != null) {
      ObjectNode e = o.putArray("errors").addObject();
      e.put("error", n.error());
      e.put("time", n.errorTime());
      failedAnswer(e, log);
    }
    return o;
  }

  /**
   * What the answer that failed the run was, as the SDK's {@code StepError}: its body (kept with
   * the run's end, or else in the failed message's DLQ entry) and, while that DLQ entry exists, its
   * status and headers. A trigger answered by something that is not a workflow endpoint has no DLQ
   * entry: only its body is shown.
   */
  private static void failedAnswer(ObjectNode e, RunLog log) {
    DlqEntry d = log.stopped();
    byte[] body = log.run().end() == null ? new byte[0] : log.run().end().response();
    if (body.length == 0 && d != null) {
      body = d.responseBody();
    }
    e.put("body", new String(body, StandardCharsets.UTF_8));
    if (d != null) {
      e.put("status", d.responseStatus());
      e.set("headers", headers(d.responseHeaders()));
    }
  }

  /** A step's JSON, or an empty object when it is not JSON (then only its ids are shown). */
  private static JsonNode decode(byte[] body) {
    try {
      JsonNode n = Json.MAPPER.readTree(body);
      return n != null && n.isObject() ? n : Json.object();
    } catch (IOException e) {
      return Json.object();
    }
  }
}
