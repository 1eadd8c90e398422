package dev.postbox.http.api.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.workflow.WorkflowDlq;
import java.util.List;

/**
 * The workflow DLQ list (docs/workflow.md): each entry as the plain DLQ list shows it
 * (docs/api.md#dlq) with the run's {@code workflowRunId}, {@code workflowUrl} and {@code
 * workflowCreatedAt}, as the SDK's {@code Client.dlq.list} reads them.
 */
public final class WorkflowDlqView {
  private WorkflowDlqView() {}

  /** {@code {"messages": [...], "cursor"?}}. */
  public static ObjectNode page(JsonViews views, List<DlqEntry> items, String nextCursor) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ArrayNode messages = o.putArray("messages");
    items.forEach(e -> messages.add(entry(views, e)));
    if (nextCursor != null) {
      o.put("cursor", nextCursor);
    }
    return o;
  }

  /** One entry as the workflow DLQ list shows it. */
  public static ObjectNode entry(JsonViews views, DlqEntry e) {
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
    return o;
  }
}
