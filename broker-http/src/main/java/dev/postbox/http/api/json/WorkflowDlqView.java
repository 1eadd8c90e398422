package dev.postbox.http.api.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.workflow.FailureCall;
import dev.postbox.core.workflow.WorkflowDlq;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The workflow DLQ list (docs/workflow.md): each entry as the plain DLQ list shows it
 * (docs/api.md#dlq) with the run's {@code workflowRunId}, {@code workflowUrl} and {@code
 * workflowCreatedAt}, and, when the failed message made a failure callback, its {@code
 * failureCallbackInfo} ({@code state}, and the last attempt's {@code responseStatus}, {@code
 * responseHeaders} and {@code responseBody} once there was one), as the SDK's {@code
 * Client.dlq.list} reads them.
 */
public final class WorkflowDlqView {
  private static final Function<DlqEntry, Optional<FailureCall>> NONE = e -> Optional.empty();

  private WorkflowDlqView() {}

  /** {@code {"messages": [...], "cursor"?}}, without failure-callback states. */
  public static ObjectNode page(JsonViews views, List<DlqEntry> items, String nextCursor) {
    return page(views, items, nextCursor, NONE);
  }

  /** {@code {"messages": [...], "cursor"?}}; {@code calls} gives each entry's failure callback. */
  public static ObjectNode page(
      JsonViews views,
      List<DlqEntry> items,
      String nextCursor,
      Function<DlqEntry, Optional<FailureCall>> calls) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ArrayNode messages = o.putArray("messages");
    items.forEach(e -> messages.add(entry(views, e, calls)));
    if (nextCursor != null) {
      o.put("cursor", nextCursor);
    }
    return o;
  }

  /** One entry as the workflow DLQ list shows it, without its failure callback's state. */
  public static ObjectNode entry(JsonViews views, DlqEntry e) {
    return entry(views, e, NONE);
  }

  /** One entry as the workflow DLQ list shows it. */
  public static ObjectNode entry(
      JsonViews views, DlqEntry e, Function<DlqEntry, Optional<FailureCall>> calls) {
    ObjectNode o = views.dlqMessage(e);
    Message m = e.message();
    o.put("workflowRunId", WorkflowDlq.runId(m));
    o.put("workflowUrl", WorkflowDlq.url(m));
    String createdAt = WorkflowDlq.createdAt(m);
    if (createdAt != null) {
      try {
        o.put("workflowCreatedAt", Long.parseLong(createdAt));
      } catch (NumberFormatException notANumber) {
        o.put("workflowCreatedAt", createdAt);
      }
    }
    calls.apply(e).ifPresent(c -> o.set("failureCallbackInfo", info(c)));
    return o;
  }

  private static ObjectNode info(FailureCall c) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("state", c.state().name());
    if (c.responseStatus() > 0) {
      o.put("responseStatus", c.responseStatus());
      o.put("responseBody", new String(c.responseBody(), StandardCharsets.UTF_8));
      ObjectNode h = o.putObject("responseHeaders");
      for (Map.Entry<String, List<String>> x : c.responseHeaders().entrySet()) {
        ArrayNode values = h.putArray(x.getKey());
        x.getValue().forEach(values::add);
      }
    }
    return o;
  }
}
